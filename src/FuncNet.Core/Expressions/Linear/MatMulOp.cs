using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>
/// The matrix product over the last two axes, with leading (batch) axes broadcast numpy style. Transpose
/// flags say an operand is read transposed: a transpose is never materialized, and backends pass the flags
/// straight to GEMM. Ops.MatMul adds numpy's 1-D rules on top.
/// </summary>
internal sealed record MatMulOp(bool TransposeA, bool TransposeB) : Op
{
    public override string Name => "MatMul";

    // Lowering: the product as GEMM calls, transposes passed as flags; the only place its geometry is computed.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        GemmKind.For(TransposeA, TransposeB, inputs[0], inputs[1], shape);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        Shape a = shapes[0], b = shapes[1];
        var dtype = RequireSame(dtypes);
        if (a.Rank < 2 || b.Rank < 2)
        {
            throw new ShapeException($"{Name}: expected operands of rank ≥ 2; given shapes {a} and {b}.");
        }
        var (m, ka) = TransposeA ? (a[-1], a[-2]) : (a[-2], a[-1]);
        var (kb, n) = TransposeB ? (b[-1], b[-2]) : (b[-2], b[-1]);
        if (!Shape.DimsCompatible(ka, kb))
        {
            throw new ShapeException(
                $"{Name}: the inner dimensions must agree, but a{(TransposeA ? "ᵀ" : "")} has {ka} columns and b{(TransposeB ? "ᵀ" : "")} has {kb} rows; given shapes {a} and {b}.");
        }
        var batchA = new Shape(a.Take(a.Rank - 2).ToArray());
        var batchB = new Shape(b.Take(b.Rank - 2).ToArray());
        var batch = Shape.TryBroadcast(batchA, batchB) ?? throw new ShapeException(
            $"{Name}: the batch dimensions {batchA} and {batchB} do not broadcast; given shapes {a} and {b}.");
        return (new Shape([.. batch, m, n]), dtype);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        Tensor a = inputs[0], b = inputs[1];
        // The oracle walks the same geometry that backends receive, so the two cannot disagree about it.
        var g = GemmKind.For(TransposeA, TransposeB, a.Shape, b.Shape, outputShape);
        var result = new double[outputShape.Size];
        for (var batch = 0; batch < g.Batches; batch++)
        {
            int offA = g.OffsetsA[batch], offB = g.OffsetsB[batch], offC = batch * g.M * g.N;
            for (var i = 0; i < g.M; i++)
            {
                for (var j = 0; j < g.N; j++)
                {
                    var sum = 0.0;
                    for (var p = 0; p < g.K; p++)
                    {
                        var av = a.GetDouble(offA + (TransposeA ? p * g.Lda + i : i * g.Lda + p));
                        var bv = b.GetDouble(offB + (TransposeB ? j * g.Ldb + p : p * g.Ldb + j));
                        sum += av * bv;
                    }
                    result[offC + i * g.N + j] = sum;
                }
            }
        }
        return Tensor.FromSpan(outputShape, result, outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient)
    {
        Expr a = node.Inputs[0], b = node.Inputs[1], g = gradient;
        // C = op(A)·op(B). Each case writes dA and dB as products of g with the other operand, choosing flags
        // so that no transpose is ever materialized.
        var (da, db) = (TransposeA, TransposeB) switch
        {
            (false, false) => (Ops.MatMul(g, b, false, true), Ops.MatMul(a, g, true, false)),
            (true, false) => (Ops.MatMul(b, g, false, true), Ops.MatMul(a, g, false, false)),
            (false, true) => (Ops.MatMul(g, b, false, false), Ops.MatMul(g, a, true, false)),
            (true, true) => (Ops.MatMul(b, g, true, true), Ops.MatMul(g, a, true, true)),
        };
        return [Ops.SumToShapeOf(da, a), Ops.SumToShapeOf(db, b)];
    }

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents)
    {
        Expr a = node.Inputs[0], b = node.Inputs[1];
        return Tangents.Add(
            tangents[0] is { } ta ? Ops.BroadcastLike(Expr.Make(this, ta, b), node) : null,
            tangents[1] is { } tb ? Ops.BroadcastLike(Expr.Make(this, a, tb), node) : null);
    }

    internal override string Format(IReadOnlyList<string> inputs) =>
        $"MatMul({inputs[0]}{(TransposeA ? "ᵀ" : "")}, {inputs[1]}{(TransposeB ? "ᵀ" : "")})";

    // Batching: the batch axis becomes one more leading (broadcast) batch axis of the product.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(this, Batching.AlignBatched(inputs, batched, node.Rank));
}

public static partial class Ops
{
    /// <summary>
    /// The matrix product with numpy semantics: 2-D × 2-D is the matrix product; a 1-D operand is a vector
    /// (vector·vector gives a scalar, matrix·vector a vector, vector·matrix a vector); leading axes of
    /// higher-rank operands are batch axes and broadcast.
    /// </summary>
    public static Expr MatMul(Expr a, Expr b) => MatMul(a, b, false, false);

    /// <summary>The matrix product of op(a) and op(b), where op transposes the last two axes when its flag is set.</summary>
    public static Expr MatMul(Expr a, Expr b, bool transposeA, bool transposeB)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0)
        {
            throw new ShapeException($"MatMul: operands must have rank ≥ 1 (use Multiply for scalars); given shapes {a.Shape} and {b.Shape}.");
        }
        if (a.Rank >= 2 && b.Rank >= 2)
        {
            return Expr.Make(new MatMulOp(transposeA, transposeB), a.Adopt(b.DType), b.Adopt(a.DType));
        }
        // numpy: a 1-D left operand is a row vector and a 1-D right operand a column vector; the added axis is removed again.
        var a2 = a.Rank == 1 ? Reshape(a, 1, -1) : a;
        var b2 = b.Rank == 1 ? Reshape(b, -1, 1) : b;
        var product = MatMul(a2, b2, a.Rank == 1 ? false : transposeA, b.Rank == 1 ? false : transposeB);
        var dims = product.Shape.ToList();
        if (b.Rank == 1) { dims.RemoveAt(dims.Count - 1); }
        if (a.Rank == 1) { dims.RemoveAt(dims.Count - (b.Rank == 1 ? 1 : 2)); }
        return Reshape(product, new Shape(dims.ToArray()));
    }
}
