using FsCheck;
using FsCheck.Fluent;
using static FuncNet.Ops;

namespace FuncNet.Testing;

/// <summary>
/// FsCheck generators of random Float64 expression programs (<see cref="ExprProgram"/>): ops from the whole
/// catalogue, random shapes of rank 0–3 with broadcasting, shared subexpressions (operands are drawn from
/// the pool of earlier nodes, with a bias towards recent ones), and placeholders fed with values whose
/// magnitudes lie in [0.25, 1] so kinks at 0 are not sat on. Shrinking truncates the program.
/// </summary>
public static class RandomExpr
{
    /// <summary>The largest tensor a program creates, keeping finite differences and the Reference backend cheap.</summary>
    public const int MaxElements = 36;

    /// <summary>Random programs of the given domain; the FsCheck size sets the number of ops (2 to 12).</summary>
    public static Arbitrary<ExprProgram> Programs(ExprDomain domain) =>
        Arb.From(Gen.Sized(size => Gen.Choose(0, int.MaxValue).Select(seed => Generate(seed, 2 + Math.Min(size, 100) / 10, domain))), p => p.Shrink());

    /// <summary>
    /// Random programs whose input shapes include zero-length axes about one axis in four (and at least one
    /// per program), so reductions, softmax, MatMul and broadcasts meet empty tensors.
    /// </summary>
    public static Arbitrary<ExprProgram> ProgramsWithEmptyAxes(ExprDomain domain) =>
        Arb.From(Gen.Sized(size => Gen.Choose(0, int.MaxValue).Select(seed => Generate(seed, 2 + Math.Min(size, 100) / 10, domain, emptyAxes: true))), p => p.Shrink());

    /// <summary>A program from a seed with <paramref name="ops"/> op steps: deterministic, so a seed replays it.</summary>
    public static ExprProgram Generate(int seed, int ops, ExprDomain domain, bool emptyAxes = false)
    {
        var builder = new ProgramBuilder(new Random(seed), domain, emptyAxes);
        builder.AddInput(emptyAxes ? builder.EmptyShape() : builder.RandomShape());
        if (builder.Rng.Next(2) == 0)
        {
            builder.AddInput(builder.RandomShape());
        }
        var done = 0;
        for (var attempts = 0; done < ops && attempts < ops * 20; attempts++)
        {
            if (builder.TryAddOp())
            {
                done++;
            }
        }
        builder.GatherDanglingNodes();
        return new ExprProgram(builder.Steps, seed);
    }

    /// <summary>A Float64 tensor whose elements are ±[0.25, 1], away from the kinks at 0.</summary>
    public static Tensor RandomValues(Random rng, Shape shape)
    {
        var values = new double[shape.Size];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (rng.Next(2) == 0 ? -1 : 1) * (0.25 + 0.75 * rng.NextDouble());
        }
        return Tensor.Create(shape, values);
    }

    /// <summary>Builds a program while keeping a shadow pool of nodes, so each op is chosen knowing its operands' shapes.</summary>
    private sealed class ProgramBuilder(Random rng, ExprDomain domain, bool emptyAxes)
    {
        private readonly List<Expr> _pool = [];

        public Random Rng { get; } = rng;

        public List<ExprStep> Steps { get; } = [];

        private bool Smooth => domain == ExprDomain.Smooth;

        public Shape RandomShape()
        {
            var rank = Rng.Next(4);
            return new Shape(Enumerable.Range(0, rank).Select(_ => emptyAxes && Rng.Next(4) == 0 ? 0 : 1 + Rng.Next(3)).ToArray());
        }

        /// <summary>A shape of rank 1–3 with one zero-length axis.</summary>
        public Shape EmptyShape()
        {
            var dims = Enumerable.Range(0, 1 + Rng.Next(3)).Select(_ => 1 + Rng.Next(3)).ToArray();
            dims[Rng.Next(dims.Length)] = 0;
            return new Shape(dims);
        }

        public int AddInput(Shape shape)
        {
            var value = RandomValues(Rng, shape);
            Steps.Add(new ExprStep("input", [], null, value));
            _pool.Add(Expr.Placeholder($"x{_pool.Count}", shape));
            return _pool.Count - 1;
        }

        private int AddOp(string description, int[] operands, Func<IReadOnlyList<Expr>, Expr> apply)
        {
            var node = apply(operands.Select(i => _pool[i]).ToArray());
            if (node.Shape.Size > MaxElements)
            {
                throw new ArgumentException("too large");
            }
            Steps.Add(new ExprStep(description, operands, apply, null));
            _pool.Add(node);
            return _pool.Count - 1;
        }

        /// <summary>
        /// Adds every node no later step uses (the last excepted) to the last node as a broadcast scalar
        /// ΣReduceSum(vᵢ), so the output depends on the whole program and no generated op goes untested.
        /// </summary>
        public void GatherDanglingNodes()
        {
            var used = new HashSet<int>(Steps.SelectMany(s => s.Operands));
            var dangling = Enumerable.Range(0, Steps.Count - 1).Where(i => !used.Contains(i) && !Steps[i].IsInput).ToArray();
            if (dangling.Length == 0)
            {
                return;
            }
            AddOp("Gather", [Steps.Count - 1, .. dangling], x =>
            {
                var sum = x[0];
                for (var i = 1; i < x.Count; i++) { sum += Ops.ReduceSum(x[i]); }
                return sum;
            });
        }

        /// <summary>An earlier node, biased towards recent ones so programs are deep as well as wide.</summary>
        private int PickOperand()
        {
            var back = Rng.Next(2) == 0 ? 0 : (int)(Math.Pow(Rng.NextDouble(), 2) * _pool.Count);
            return _pool.Count - 1 - back;
        }

        private Shape ShapeOf(int i) => _pool[i].Shape;

        /// <summary>An existing node of exactly <paramref name="shape"/> (sharing) or, half the time or when none exists, a new input.</summary>
        private int NodeOfShape(Shape shape)
        {
            var candidates = Enumerable.Range(0, _pool.Count).Where(i => ShapeOf(i) == shape).ToArray();
            return candidates.Length > 0 && Rng.Next(2) == 0 ? candidates[Rng.Next(candidates.Length)] : AddInput(shape);
        }

        /// <summary>A node whose shape broadcasts with <paramref name="shape"/>: an existing one, or a new input stretched either way.</summary>
        private int Broadcastable(Shape shape)
        {
            var existing = Enumerable.Range(0, _pool.Count)
                .Where(i => Shape.TryBroadcast(ShapeOf(i), shape) is { } b && b.Size <= MaxElements).ToArray();
            if (existing.Length > 0 && Rng.Next(2) == 0)
            {
                return existing[Rng.Next(existing.Length)];
            }
            var dims = shape.ToArray().ToList();
            // Drop some leading axes and set some axes to 1 (the new input is broadcast), or add a leading
            // axis (the existing node is broadcast).
            var drop = Rng.Next(dims.Count + 1);
            dims.RemoveRange(0, Rng.Next(drop + 1) == 0 ? 0 : drop);
            for (var i = 0; i < dims.Count; i++)
            {
                if (Rng.Next(3) == 0) { dims[i] = 1; }
            }
            if (Rng.Next(4) == 0 && shape.Size * 2 <= MaxElements && shape.Rank < 3)
            {
                dims = [2, .. shape.ToArray()];
            }
            return AddInput(new Shape(dims.ToArray()));
        }

        private int RandomAxis(Shape s) => Rng.Next(2) == 0 ? Rng.Next(s.Rank) : -1 - Rng.Next(s.Rank);

        private int[] RandomAxes(Shape s) =>
            Enumerable.Range(0, s.Rank).Where(_ => Rng.Next(2) == 0).ToArray();

        public bool TryAddOp()
        {
            var count = Steps.Count;
            var poolCount = _pool.Count;
            try
            {
                AddRandomOp();
                return true;
            }
            catch (Exception e) when (e is ArgumentException or ShapeException)
            {
                // The op did not fit its operand (or grew too large): forget what it added and try another.
                Steps.RemoveRange(count, Steps.Count - count);
                _pool.RemoveRange(poolCount, _pool.Count - poolCount);
                return false;
            }
        }

        private void AddRandomOp()
        {
            var a = PickOperand();
            var s = ShapeOf(a);
            switch (Rng.Next(Smooth ? 24 : 30))
            {
                case 0: Unary(a); break;
                case 1: Unary(a); break;
                case 2: Binary(a); break;
                case 3: Binary(a); break;
                case 4: MatMulCase(a, s); break;
                case 5 when s.Rank >= 2:
                    var perm = Enumerable.Range(0, s.Rank).OrderBy(_ => Rng.Next()).ToArray();
                    AddOp($"Transpose[{string.Join(",", perm)}]", [a], x => Transpose(x[0], perm));
                    break;
                case 6: ReshapeCase(a, s); break;
                case 7 when s.Rank >= 1: ConcatCase(a, s); break;
                case 8 when s.Rank >= 1: SliceCase(a, s); break;
                case 9:
                    {
                        var axes = RandomAxes(s);
                        var keep = Rng.Next(2) == 0;
                        AddOp($"ReduceSum[{string.Join(",", axes)}{(keep ? ",keep" : "")}]", [a], x => ReduceSum(x[0], axes, keep));
                        break;
                    }
                case 10:
                    {
                        var axes = RandomAxes(s);
                        var keep = Rng.Next(2) == 0;
                        AddOp($"ReduceMean[{string.Join(",", axes)}{(keep ? ",keep" : "")}]", [a], x => ReduceMean(x[0], axes, keep));
                        break;
                    }
                case 11 when s.Rank >= 1:
                    {
                        var axis = RandomAxis(s);
                        AddOp($"Softmax[{axis}]", [a], x => Softmax(x[0], axis));
                        break;
                    }
                case 12 when s.Rank >= 1:
                    {
                        var axis = RandomAxis(s);
                        AddOp($"LogSoftmax[{axis}]", [a], x => LogSoftmax(x[0], axis));
                        break;
                    }
                case 13: WhereCase(a, s); break;
                case 14: MapCase(a, s); break;
                case 15: RewriteBait(a, s); break;
                case 16:
                    {
                        var c = Expr.Constant(RandomValues(Rng, RandomShape()));
                        var b = AddOp($"Constant{c.Shape}", [], _ => c);
                        AddOp("Add", [a, b], x => x[0] + x[1]);
                        break;
                    }
                // A matrix seen as a one-channel image: a "same" convolution with a fixed filter, or an average pooling.
                case 17 when s.Rank == 2 && s[0] >= 2 && s[1] >= 2:
                    {
                        var filter = RandomValues(Rng, Shape.Of(2, 1, 2, 2));
                        if (Rng.Next(2) == 0)
                        {
                            AddOp("Conv2D[same]", [a], x => Reshape(Conv2D(Reshape(x[0], 1, 1, s[0], s[1]), Expr.Constant(filter.Cast(x[0].DType)), 1, Padding2D.Same), 2 * s[0], s[1]));
                        }
                        else
                        {
                            AddOp("AvgPool2D[2,same]", [a], x => Reshape(AvgPool2D(Reshape(x[0], 1, 1, s[0], s[1]), 2, 1, Padding2D.Same), s[0], s[1]));
                        }
                        break;
                    }
                // Any other operand: a Take along a random axis with in-range constant indices.
                case 17 when s.Rank >= 1: TakeCase(a, s); break;
                // Images: the operand as (1, C, H, W) or (N, 1, H, W), with random geometry.
                case 18 when s.Rank >= 2: ConvolutionCase(a, s); break;
                case 19 when s.Rank >= 2: TransposedConvolutionCase(a, s); break;
                case 20 when s.Rank >= 2: PoolCase(a, s, max: false); break;
                case 21 when s.Rank >= 1: GatherOrScatterCase(a, s); break;
                case 22 when s.Rank >= 1: NormalizationCase(a, s); break;
                case 23: RandomDrawCase(a, s); break;
                // Kinks, ties and comparisons: only where no finite difference is taken.
                case 24:
                    {
                        Func<Expr, Expr>[] fs = [Relu, Abs, x => LeakyRelu(x), x => Elu(x), Selu, Sign, x => Cast(Greater(x, 0.0), DType.Float64),
                                                 x => Clip(x, -0.7, 0.6), x => Floor(x * 2.0), x => Round(x * 2.0)];
                        string[] names = ["Relu", "Abs", "LeakyRelu", "Elu", "Selu", "Sign", "Greater0", "Clip", "Floor", "Round"];
                        var f = Rng.Next(fs.Length);
                        AddOp(names[f], [a], x => fs[f](x[0]));
                        break;
                    }
                case 25:
                    {
                        var b = Broadcastable(s);
                        var f = Rng.Next(8);
                        Func<Expr, Expr, Expr>[] fs = [Maximum, Minimum, Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual];
                        string[] names = ["Maximum", "Minimum", "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"];
                        AddOp(names[f], [a, b], x => fs[f](x[0], x[1]));
                        break;
                    }
                case 26:
                    {
                        var axes = RandomAxes(s);
                        var keep = Rng.Next(2) == 0;
                        AddOp($"ReduceMax[{string.Join(",", axes)}{(keep ? ",keep" : "")}]", [a], x => ReduceMax(x[0], axes, keep));
                        break;
                    }
                case 27:
                    {
                        var b = Broadcastable(s);
                        var c = Broadcastable(s);
                        AddOp("Where(Greater)", [a, b, c], x => Where(Greater(x[0], x[1]), x[1], x[2]));
                        break;
                    }
                case 28 when s.Rank >= 1:
                    {
                        var axis = RandomAxis(s);
                        AddOp($"OneHot(ArgMax[{axis}])", [a], x => OneHot(ArgMax(x[0], axis), 3));
                        break;
                    }
                // Max pooling: a kink wherever two elements of a window tie.
                case 29 when s.Rank == 2 && s[0] >= 2 && s[1] >= 2 && Rng.Next(2) == 0:
                    AddOp("MaxPool2D[2,same]", [a], x => Reshape(MaxPool2D(Reshape(x[0], 1, 1, s[0], s[1]), 2, 1, Padding2D.Same), s[0], s[1]));
                    break;
                case 29 when s.Rank >= 2: PoolCase(a, s, max: true); break;
                default:
                    throw new ArgumentException("not applicable");
            }
        }

        private void Unary(int a)
        {
            // Guarded forms keep every op inside its domain and away from overflow whatever the operand.
            (string Name, Func<Expr, Expr> F)[] ops =
            [
                ("Negative", x => -x),
                ("Square", Square),
                ("Sigmoid", Sigmoid),
                ("Tanh", Tanh),
                ("Softplus", Softplus),
                ("Gaussian", Gaussian),
                ("Exp∘2Tanh", x => Exp(2.0 * Tanh(x))),
                ("Log∘(Square+0.5)", x => Log(Square(x) + 0.5)),
                ("Sqrt∘(Square+0.5)", x => Sqrt(Square(x) + 0.5)),
                ("Pow(Square+0.5, 1.5)", x => Pow(Square(x) + 0.5, 1.5)),
                ("Scale", x => x * 0.5),
                ("Sin", Sin),
                ("Cos", Cos),
                ("Log1p∘Abs", x => Log1p(Abs(x))),
                ("Expm1∘Tanh", x => Expm1(Tanh(x))),
                ("Erf", Erf),
                ("Gelu", Gelu),
                ("GeluTanh", x => Gelu(x, GeluApproximation.Tanh)),
                ("Silu", Silu),
                ("Rsqrt∘(Square+0.5)", x => Rsqrt(Square(x) + 0.5)),
            ];
            var (name, f) = ops[Rng.Next(ops.Length)];
            AddOp(name, [a], x => f(x[0]));
        }

        private void Binary(int a)
        {
            var b = Broadcastable(ShapeOf(a));
            (string Name, Func<Expr, Expr, Expr> F)[] ops =
            [
                ("Add", (x, y) => x + y),
                ("Subtract", (x, y) => x - y),
                ("Multiply", (x, y) => x * y),
                ("Divide(Square+0.5)", (x, y) => x / (Square(y) + 0.5)),
                ("Pow(Sigmoid+0.5, Tanh)", (x, y) => Pow(Sigmoid(x) + 0.5, Tanh(y))),
            ];
            var (name, f) = ops[Rng.Next(ops.Length)];
            if (Rng.Next(2) == 0)
            {
                AddOp(name, [a, b], x => f(x[0], x[1]));
            }
            else
            {
                AddOp(name, [b, a], x => f(x[0], x[1]));
            }
        }

        private void MatMulCase(int a, Shape s)
        {
            var n = 1 + Rng.Next(3);
            Shape other = s.Rank switch
            {
                0 => throw new ArgumentException("scalar"),
                1 => Rng.Next(2) == 0 ? Shape.Of(s[0]) : Shape.Of(s[0], n),
                2 => Rng.Next(3) switch { 0 => Shape.Of(s[1]), 1 => Shape.Of(s[1], n), _ => Shape.Of(2, s[1], n) },
                _ => Rng.Next(3) switch { 0 => Shape.Of(s[2]), 1 => Shape.Of(s[2], n), _ => Shape.Of(s[0], s[2], n) },
            };
            var b = NodeOfShape(other);
            if (Rng.Next(3) == 0)
            {
                // The vector/matrix on the left: b · a needs b's last axis to match a's second to last.
                if (s.Rank == 1 && ShapeOf(b).Rank == 2)
                {
                    var left = NodeOfShape(Shape.Of(n, s[0]));
                    AddOp("MatMul", [left, a], x => MatMul(x[0], x[1]));
                    return;
                }
            }
            if (s.Rank >= 2 && ShapeOf(b).Rank >= 2 && Rng.Next(3) == 0)
            {
                // Transposed operands read through the flags (and through explicit transposes, for the folding rule).
                AddOp("MatMul(a, (bᵀ)ᵀ flags)", [a, b], x => MatMul(x[0], Transpose(x[1], [.. Enumerable.Range(0, x[1].Rank - 2), x[1].Rank - 1, x[1].Rank - 2]), false, true));
                return;
            }
            AddOp("MatMul", [a, b], x => MatMul(x[0], x[1]));
        }

        private void ReshapeCase(int a, Shape s)
        {
            var remaining = s.Size;
            var dims = new List<int>();
            while (remaining > 1)
            {
                var divisors = Enumerable.Range(2, remaining - 1).Where(d => remaining % d == 0).ToArray();
                var d = divisors[Rng.Next(divisors.Length)];
                dims.Add(d);
                remaining /= d;
            }
            if (Rng.Next(3) == 0) { dims.Insert(Rng.Next(dims.Count + 1), 1); }
            var target = dims.OrderBy(_ => Rng.Next()).ToArray();
            if (target.Length > 0 && Rng.Next(3) == 0) { target[Rng.Next(target.Length)] = -1; }
            AddOp($"Reshape[{string.Join(",", target)}]", [a], x => Reshape(x[0], target));
        }

        private void ConcatCase(int a, Shape s)
        {
            var axis = Rng.Next(s.Rank);
            var dims = s.ToArray();
            dims[axis] = 1 + Rng.Next(2);
            // Half the time the node is joined with itself: a shared operand used twice by one node.
            var b = Rng.Next(2) == 0 ? a : NodeOfShape(new Shape(dims));
            AddOp($"Concat[{axis}]", [a, b], x => Concat([x[0], x[1]], axis));
        }

        private void SliceCase(int a, Shape s)
        {
            var begin = new int[s.Rank];
            var size = new int[s.Rank];
            for (var i = 0; i < s.Rank; i++)
            {
                begin[i] = Rng.Next(s[i]);
                size[i] = Rng.Next(3) == 0 ? -1 : 1 + Rng.Next(s[i] - begin[i]);
            }
            AddOp($"Slice[{string.Join(",", begin)}|{string.Join(",", size)}]", [a], x => Slice(x[0], begin, size));
        }

        /// <summary>Take along a random axis with in-range (possibly repeated) constant indices, no more than the axis holds.</summary>
        private void TakeCase(int a, Shape s)
        {
            var axis = Rng.Next(s.Rank);
            var length = s[axis];
            var ids = Enumerable.Range(0, length == 0 ? 0 : 1 + Rng.Next(length)).Select(_ => Rng.Next(length)).ToArray();
            var indices = Expr.Constant(Tensor.FromArray(ids));
            AddOp($"Take[{axis}|{string.Join(",", ids)}]", [a], x => Take(x[0], indices, axis));
        }

        /// <summary>
        /// The operand as images: a matrix is one single-channel image; a rank-3 node is one image of s[0] channels
        /// or s[0] single-channel images, so the batch and the channels both vary.
        /// </summary>
        private Shape AsImages(Shape s)
        {
            if (s.Rank == 2) { return Shape.Of(1, 1, s[0], s[1]); }
            if (s.Rank == 3) { return Rng.Next(2) == 0 ? Shape.Of(1, s[0], s[1], s[2]) : Shape.Of(s[0], 1, s[1], s[2]); }
            throw new ArgumentException("not an image");
        }

        /// <summary>Images (N, C, H, W) back to rank 3, the generator's largest: N·C stacked maps.</summary>
        private static Expr FromImages(Expr y) => Reshape(y, y.Shape[0] * y.Shape[1], y.Shape[2], y.Shape[3]);

        private Padding2D RandomPadding() => Rng.Next(4) switch
        {
            0 => Padding2D.Valid,
            1 => Padding2D.Same,
            _ => Padding2D.Explicit(Rng.Next(2), Rng.Next(2), Rng.Next(2), Rng.Next(2)),
        };

        /// <summary>Random stride, dilation and padding; groups of one or every channel. A geometry that does not fit retries.</summary>
        private Conv2DOptions RandomConvolution(int channels) => new()
        {
            StrideH = 1 + Rng.Next(2), StrideW = 1 + Rng.Next(2), DilationH = 1 + Rng.Next(2), DilationW = 1 + Rng.Next(2),
            Padding = RandomPadding(), Groups = channels > 1 && Rng.Next(2) == 0 ? channels : 1,
        };

        /// <summary>Conv2D of the operand with a filter node (usually a new input, so its gradient is checked too).</summary>
        private void ConvolutionCase(int a, Shape s)
        {
            var images = AsImages(s);
            var options = RandomConvolution(images[1]);
            var outputs = options.Groups * (1 + Rng.Next(2));
            var filter = NodeOfShape(Shape.Of(outputs, images[1] / options.Groups, 1 + Rng.Next(3), 1 + Rng.Next(3)));
            AddOp($"Conv2D[{images}|{options}]", [a, filter], x => FromImages(Conv2D(Reshape(x[0], images), x[1], options)));
        }

        /// <summary>Conv2DTranspose of the operand, output padding below the stride.</summary>
        private void TransposedConvolutionCase(int a, Shape s)
        {
            var images = AsImages(s);
            var options = RandomConvolution(images[1]) with { DilationH = 1, DilationW = 1 };
            var (padH, padW) = (Rng.Next(options.StrideH), Rng.Next(options.StrideW));
            if (options.Padding == Padding2D.Same) { (padH, padW) = (0, 0); }
            var filter = NodeOfShape(Shape.Of(images[1], 1 + Rng.Next(2), 1 + Rng.Next(2), 1 + Rng.Next(2)));
            AddOp($"Conv2DTranspose[{images}|{options}|{padH},{padW}]", [a, filter],
                x => FromImages(Conv2DTranspose(Reshape(x[0], images), x[1], options, padH, padW)));
        }

        /// <summary>Average (or, with kinks allowed, max) pooling with a random window, stride and padding, or global average pooling.</summary>
        private void PoolCase(int a, Shape s, bool max)
        {
            var images = AsImages(s);
            if (!max && Rng.Next(4) == 0)
            {
                AddOp($"GlobalAvgPool2D[{images}]", [a], x => Reshape(GlobalAvgPool2D(Reshape(x[0], images)), images[0], images[1]));
                return;
            }
            var options = new Pool2DOptions(1 + Rng.Next(3), 1 + Rng.Next(3), 1 + Rng.Next(2), 1 + Rng.Next(2), RandomPadding());
            AddOp($"{(max ? "MaxPool2D" : "AvgPool2D")}[{images}|{options}]", [a],
                x => FromImages(max ? MaxPool2D(Reshape(x[0], images), options) : AvgPool2D(Reshape(x[0], images), options)));
        }

        /// <summary>
        /// Gather with a batch dim (per-row indices, as torch.gather) or ScatterAdd of the operand into a random
        /// length along an axis, with repeated constant indices.
        /// </summary>
        private void GatherOrScatterCase(int a, Shape s)
        {
            var axis = Rng.Next(s.Rank);
            if (Rng.Next(2) == 0 && s.Rank >= 2 && axis >= 1 && s[axis] > 0)
            {
                var count = 1 + Rng.Next(3);
                var dims = s.ToArray()[..(axis + 1)];
                dims[axis] = count;
                var perRow = Tensor.Create(new Shape(dims), Enumerable.Range(0, dims.Aggregate(1, (p, d) => p * d)).Select(_ => Rng.Next(s[axis])).ToArray());
                AddOp($"Gather[{axis},batch {axis}|{string.Join(",", perRow.ToIntArray())}]", [a], x => Gather(x[0], Expr.Constant(perRow), axis, axis));
                return;
            }
            var length = 1 + Rng.Next(3);
            var ids = Enumerable.Range(0, s[axis]).Select(_ => Rng.Next(length)).ToArray();
            var target = s.ToArray();
            target[axis] = length;
            var like = Expr.Constant(Tensor.Zeros(new Shape(target)));
            AddOp($"ScatterAdd[{axis}→{length}|{string.Join(",", ids)}]", [a], x => ScatterAdd(x[0], Expr.Constant(Tensor.FromArray(ids)), like, axis));
        }

        /// <summary>
        /// LayerNorm over the last axis, BatchNorm in training mode (batch above one) or in inference mode from given
        /// statistics, with γ, β (and mean, variance) as nodes. ε = 0.5 keeps rows of equal values (a broadcast) tame
        /// for finite differences, whose steps 1/√ε would otherwise amplify.
        /// </summary>
        private void NormalizationCase(int a, Shape s)
        {
            const double epsilon = 0.5;
            var kind = Rng.Next(3);
            if (kind == 0 || s.Rank < 2)
            {
                var width = Shape.Of(s[^1]);
                var (g, b) = (NodeOfShape(width), NodeOfShape(width));
                AddOp("LayerNorm", [a, g, b], x => LayerNorm(x[0], x[1], x[2], epsilon));
                return;
            }
            var channels = Shape.Of(s[1]);
            var (gamma, beta) = (NodeOfShape(channels), NodeOfShape(channels));
            if (kind == 1)
            {
                AddOp("BatchNorm", [a, gamma, beta], x => BatchNorm(x[0], x[1], x[2], epsilon));
                return;
            }
            var (mean, variance) = (NodeOfShape(channels), NodeOfShape(channels));
            AddOp("BatchNormInference(variance Square+0.5)", [a, gamma, beta, mean, variance],
                x => BatchNormInference(x[0], x[1], x[2], x[3], Square(x[4]) + 0.5, epsilon));
        }

        /// <summary>
        /// Draws from a constant key times the operand: dropout (training or inference), uniform, normal or Bernoulli.
        /// Constant keys make the masks constants, so the program stays smooth; plans fold such draws at compile time.
        /// </summary>
        private void RandomDrawCase(int a, Shape s)
        {
            var seed = Rng.Next(1000);
            var dims = s.ToArray();
            switch (Rng.Next(4))
            {
                case 0:
                    var rate = 0.25 * (1 + Rng.Next(3));
                    var training = Rng.Next(4) != 0;
                    AddOp($"Dropout[{rate},key {seed}{(training ? "" : ",inference")}]", [a], x => Dropout(x[0], rate, RandomKey(seed), training));
                    break;
                case 1: AddOp($"·RandomUniform[key {seed}]", [a], x => x[0] * RandomUniform(KeyAt(RandomKey(seed), 1), dims, x[0].DType)); break;
                case 2: AddOp($"·RandomNormal[key {seed}]", [a], x => x[0] * RandomNormal(KeyAt(RandomKey(seed), 2), dims, x[0].DType)); break;
                default: AddOp($"·Bernoulli[0.6,key {seed}]", [a], x => x[0] * Bernoulli(RandomKey(seed), 0.6, dims, x[0].DType)); break;
            }
        }

        private void WhereCase(int a, Shape s)
        {
            var b = Broadcastable(s);
            // A constant mask: the condition never flips under a perturbation, so Where stays smooth.
            var maskShape = Shape.TryBroadcast(s, ShapeOf(b))!;
            var mask = Tensor.Create(maskShape, Enumerable.Range(0, maskShape.Size).Select(_ => (double)Rng.Next(2)).ToArray());
            AddOp("Where(mask)", [a, b], x => Where(Expr.Constant(mask), x[0], x[1]));
        }

        private void MapCase(int a, Shape s)
        {
            if (Rng.Next(2) == 0)
            {
                AddOp("Map(v ⇒ σ(v)·v + 0.5)", [a], x => Map(x[0], v => Sigmoid(v) * v + 0.5));
            }
            else
            {
                var b = Broadcastable(s);
                AddOp("Map((u, v) ⇒ u·tanh(v) − u²/2)", [a, b], x => Map(x[0], x[1], (u, v) => u * Tanh(v) - Square(u) * 0.5));
            }
        }

        /// <summary>Compositions the rewriter simplifies, so random programs exercise every stage of it.</summary>
        private void RewriteBait(int a, Shape s)
        {
            switch (Rng.Next(8))
            {
                case 0: AddOp("x·1", [a], x => x[0] * 1.0); break;
                case 1: AddOp("x+0", [a], x => x[0] + 0.0); break;
                case 2: AddOp("−(−x)", [a], x => -(-x[0])); break;
                case 3: AddOp("Log∘Sigmoid", [a], x => Log(Sigmoid(x[0]))); break;
                case 4 when s.Rank >= 1:
                    {
                        var axis = RandomAxis(s);
                        AddOp($"Log∘Softmax[{axis}]", [a], x => Log(Softmax(x[0], axis)));
                        break;
                    }
                case 5 when s.Rank >= 2:
                    AddOp("Transpose∘Transpose", [a], x => Transpose(Transpose(x[0], [.. Enumerable.Range(1, x[0].Rank - 1), 0]), [.. Enumerable.Range(1, x[0].Rank - 1), 0]));
                    break;
                case 6: AddOp("Reshape∘Reshape", [a], x => Reshape(Reshape(x[0], -1), x[0].Shape)); break;
                case 7: AddOp("x·0 + x", [a], x => x[0] * 0.0 + x[0]); break;
                default: throw new ArgumentException("not applicable");
            }
        }
    }
}
