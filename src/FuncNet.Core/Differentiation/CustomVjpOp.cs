using FuncNet.Differentiation;
using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Transforms;

namespace FuncNet;

/// <summary>
/// A function of Exprs with a user-supplied reverse rule (JAX's <c>custom_vjp</c>) and optionally a forward rule
/// (<c>custom_jvp</c>). The forward function is traced once over stand-in placeholders into <see cref="Body"/>;
/// its value is the body's, and plans inline the body before lowering, so it compiles like the ops it is made of.
/// Differentiation calls the user's rules instead of looking inside; their results are checked when the
/// derivative is built. Identity is the unique id: two calls are two ops even with equal delegates.
/// </summary>
internal sealed record CustomVjpOp(
    long Identity,
    string OpName,
    Expr Body,
    Expr[] Parameters,
    Func<IReadOnlyList<Expr>, Expr, Expr, Expr?[]> Reverse,
    Func<IReadOnlyList<Expr>, IReadOnlyList<Expr>, Expr>? Forward) : Op, IInlinedOp
{
    public override string Name => OpName;

    // Lowering: plans inline the body before lowering, so this node never reaches a backend.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new ReferenceOnlyKind("a custom-VJP node: plans inline its body before lowering");

    private string Where => $"CustomVjp '{OpName}'";

    /// <summary>Traces <paramref name="forward"/> over stand-ins shaped like <paramref name="inputs"/> and builds the node.</summary>
    public static Expr Create(
        string name,
        Func<IReadOnlyList<Expr>, Expr> forward,
        Func<IReadOnlyList<Expr>, Expr, Expr, Expr?[]> vjp,
        Func<IReadOnlyList<Expr>, IReadOnlyList<Expr>, Expr>? jvp,
        IReadOnlyList<Expr> inputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(vjp);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0 || inputs.Any(i => i is null))
        {
            throw new FuncNetException($"CustomVjp '{name}': expected at least one input, none null; given {inputs.Count} inputs.");
        }
        var parameters = inputs.Select((x, i) => Expr.Placeholder($"{name}.x{i}", x.Shape, x.DType)).ToArray();
        var body = forward(parameters) ?? throw new FuncNetException($"CustomVjp '{name}': the forward function returned null; it must return an Expr.");
        // Anything else the body reads at run time would be invisible to the node, to its gradient and to plans.
        var captured = GraphWalk.Topological([body]).FirstOrDefault(n => n.Op is PlaceholderOp or VariableOp && !parameters.Contains(n));
        if (captured is not null)
        {
            throw new FuncNetException(
                $"CustomVjp '{name}': the forward function reads {captured.Op.Name} '{captured}' that is not one of its inputs; pass it as an input so that it is fed and differentiated.");
        }
        return Expr.Make(new CustomVjpOp(ExprTable.NextIdentity(), name, body, parameters, vjp, jvp), inputs.ToArray());
    }

    public bool Equals(CustomVjpOp? other) => other is not null && other.Identity == Identity;

    public override int GetHashCode() => Identity.GetHashCode();

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        for (var i = 0; i < Parameters.Length; i++)
        {
            if (dtypes[i] != Parameters[i].DType)
            {
                throw new DTypeException($"{Where}: input {i} was traced as {Parameters[i].DType}; given {dtypes[i]}.");
            }
            if (!shapes[i].IsCompatibleWith(Parameters[i].Shape))
            {
                throw new ShapeException($"{Where}: input {i} was traced with shape {Parameters[i].Shape}; given {shapes[i]}.");
            }
        }
        // The body's own rules, replayed on these shapes (they may be more known than the traced ones).
        var known = new Dictionary<Expr, (Shape Shape, DType DType)>();
        for (var i = 0; i < Parameters.Length; i++) { known[Parameters[i]] = (shapes[i], dtypes[i]); }
        foreach (var node in GraphWalk.Topological([Body]))
        {
            if (!known.ContainsKey(node))
            {
                known[node] = node.Op.Infer(node.Inputs.Select(i => known[i].Shape).ToArray(), node.Inputs.Select(i => known[i].DType).ToArray());
            }
        }
        return known[Body];
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var values = new Dictionary<Expr, Tensor>();
        for (var i = 0; i < Parameters.Length; i++) { values[Parameters[i]] = inputs[i]; }
        foreach (var node in GraphWalk.Topological([Body]))
        {
            if (values.ContainsKey(node))
            {
                continue;
            }
            var args = node.Inputs.Select(i => values[i]).ToArray();
            var (shape, dtype) = node.Op.Infer(args.Select(a => a.Shape).ToArray(), args.Select(a => a.DType).ToArray());
            values[node] = node.Op.Reference(args, shape, dtype);
        }
        return values[Body];
    }

    /// <summary>The body rebuilt over <paramref name="inputs"/>: what plans lower, and forward mode's fallback.</summary>
    public Expr Inline(IReadOnlyList<Expr> inputs)
    {
        var rebuilt = new Dictionary<Expr, Expr>();
        for (var i = 0; i < Parameters.Length; i++) { rebuilt[Parameters[i]] = inputs[i]; }
        foreach (var node in GraphWalk.Topological([Body]))
        {
            if (!rebuilt.ContainsKey(node))
            {
                var args = node.Inputs.Select(i => rebuilt[i]).ToArray();
                rebuilt[node] = args.SequenceEqual(node.Inputs) ? node : Expr.Make(node.Op, args);
            }
        }
        return rebuilt[Body];
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) => CheckedVjp(node.Inputs, node, gradient);

    /// <summary>The user's VJP at these inputs, output and gradient, each gradient checked against its input.</summary>
    private Expr?[] CheckedVjp(IReadOnlyList<Expr> inputs, Expr output, Expr gradient)
    {
        var grads = Reverse(inputs, output, gradient)
            ?? throw new FuncNetException($"{Where}: the VJP returned null; it must return one gradient (or null) per input.");
        if (grads.Length != inputs.Count)
        {
            throw new FuncNetException($"{Where}: the VJP must return one gradient (or null) per input, {inputs.Count}; given {grads.Length}.");
        }
        for (var i = 0; i < grads.Length; i++)
        {
            if (grads[i] is { } g)
            {
                Check(g, inputs[i], $"the VJP's gradient for input {i}");
            }
        }
        return grads.ToArray();
    }

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents)
    {
        if (Forward is null)
        {
            // No forward rule given: the tangent of the forward function itself.
            var active = Enumerable.Range(0, tangents.Count).Where(i => tangents[i] is not null).ToArray();
            return ForwardMode.Jvp(Inline(node.Inputs), active.Select(i => node.Inputs[i]).ToArray(), active.Select(i => tangents[i]!).ToArray());
        }
        var full = tangents.Select((t, i) => t ?? Ops.ZerosLike(node.Inputs[i])).ToArray();
        var tangent = Forward(node.Inputs, full) ?? throw new FuncNetException($"{Where}: the JVP returned null; it must return the output's tangent.");
        Check(tangent, node, "the JVP's tangent of the output");
        return tangent;
    }

    /// <summary>A user rule's result must have the shape and dtype of what it is the derivative for.</summary>
    private void Check(Expr result, Expr of, string what)
    {
        if (result.DType != of.DType)
        {
            throw new DTypeException($"{Where}: {what} must have dtype {of.DType} (shape {of.Shape}); given {result.DType} (shape {result.Shape}).");
        }
        if (!result.Shape.IsCompatibleWith(of.Shape))
        {
            throw new ShapeException($"{Where}: {what} must have shape {of.Shape}; given shape {result.Shape}.");
        }
    }

    internal override string Format(IReadOnlyList<string> inputs) => $"{OpName}({string.Join(", ", inputs)})";

    // Batching: the same op over batched inputs, its rules traced per row and batched in turn; an unbatched
    // input's gradient is the sum of the per-row gradients.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched)
    {
        var first = Enumerable.Range(0, batched.Count).First(i => batched[i]);
        var rowOutput = Expr.Placeholder($"{OpName}.y", node.Shape, node.DType);
        var rowGradient = Expr.Placeholder($"{OpName}.g", node.Shape, node.DType);
        // The user's VJP traced once on one row's stand-ins, then batched like any graph.
        var rowGrads = CheckedVjp(Parameters, rowOutput, rowGradient);
        Expr[] standIns = [.. Parameters, rowOutput, rowGradient];
        bool[] flags = [.. batched, true, true];

        Expr?[] BatchedVjp(IReadOnlyList<Expr> xs, Expr y, Expr g) =>
            rowGrads.Select((rg, i) =>
            {
                if (rg is null)
                {
                    return null;
                }
                var b = Vmap.Rebuild(rg, standIns, [.. xs, y, g], flags, y);
                return batched[i] ? b : Ops.ReduceSum(b, 0);
            }).ToArray();

        Func<IReadOnlyList<Expr>, IReadOnlyList<Expr>, Expr>? batchedJvp = null;
        if (Forward is not null)
        {
            var rowTangents = Parameters.Select((p, i) => Expr.Placeholder($"{OpName}.t{i}", p.Shape, p.DType)).ToArray();
            var rowTangent = Forward(Parameters, rowTangents);
            batchedJvp = (xs, ts) => Vmap.Rebuild(rowTangent, [.. Parameters, .. rowTangents], [.. xs, .. ts], [.. batched, .. batched], xs[first]);
        }
        return Create(OpName, xs => Vmap.Rebuild(Body, Parameters, xs, batched, xs[first]), BatchedVjp, batchedJvp, inputs);
    }
}

public static partial class Ops
{
    /// <summary>
    /// <paramref name="forward"/> applied to <paramref name="inputs"/>, differentiated by <paramref name="vjp"/>
    /// instead of through its body (JAX's <c>custom_vjp</c>). <paramref name="vjp"/> receives the inputs, the
    /// output and the output's gradient and returns one gradient per input (null for none), written in Expr, so it
    /// can be differentiated again. Forward mode differentiates the body. The result batches under <c>Rows()</c>
    /// and compiles like the ops of the body. The forward function may read only its inputs (and constants).
    /// A gradient of the wrong shape or dtype throws <see cref="ShapeException"/>/<see cref="DTypeException"/>
    /// when the gradient is built.
    /// </summary>
    public static Expr CustomVjp(
        string name,
        Func<IReadOnlyList<Expr>, Expr> forward,
        Func<IReadOnlyList<Expr>, Expr, Expr, Expr?[]> vjp,
        params Expr[] inputs) =>
        CustomVjpOp.Create(name, forward, vjp, null, inputs);

    /// <summary>
    /// As <see cref="CustomVjp(string, Func{IReadOnlyList{Expr}, Expr}, Func{IReadOnlyList{Expr}, Expr, Expr, Expr[]}, Expr[])"/>,
    /// with a forward rule too (JAX's <c>custom_jvp</c>): <paramref name="jvp"/> receives the inputs and one tangent
    /// per input (zeros where none) and returns the output's tangent, of the output's shape and dtype.
    /// </summary>
    public static Expr CustomVjp(
        string name,
        Func<IReadOnlyList<Expr>, Expr> forward,
        Func<IReadOnlyList<Expr>, Expr, Expr, Expr?[]> vjp,
        Func<IReadOnlyList<Expr>, IReadOnlyList<Expr>, Expr> jvp,
        params Expr[] inputs)
    {
        ArgumentNullException.ThrowIfNull(jvp);
        return CustomVjpOp.Create(name, forward, vjp, jvp, inputs);
    }
}
