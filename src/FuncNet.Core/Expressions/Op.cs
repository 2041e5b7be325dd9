using FuncNet.Lowering;

namespace FuncNet;

/// <summary>
/// An operation: the one place that defines it. Each op states its shape and dtype rule, its reference
/// kernel (the oracle every backend must agree with), its reverse rule (VJP, written in Expr) and its
/// forward rule (JVP), its batching rule and its lowering to a kernel kind; elementwise ops also state one scalar formula that every code generator uses.
/// Ops are records: two ops with equal attributes are equal, which is what makes hash-consing work.
/// </summary>
public abstract record Op
{
    /// <summary>The op's name as errors and graphs show it, e.g. <c>MatMul</c>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The output's shape and dtype for inputs of the given shapes and dtypes; throws a
    /// <see cref="ShapeException"/> or <see cref="DTypeException"/> naming the op. Called when a node is
    /// built (with possibly unknown dimensions) and again when a plan is specialized to fed shapes.
    /// </summary>
    internal abstract (Shape Shape, DType DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes);

    /// <summary>The reference kernel: plain, obviously correct, on host tensors.</summary>
    internal abstract Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType);

    /// <summary>
    /// The reverse rule: given the node and the gradient of the output, the gradient of each input as an
    /// Expr of that input's shape, or null where the input gets no gradient (labels, indices, shapes).
    /// </summary>
    internal abstract Expr?[] Vjp(Expr node, Expr gradient);

    /// <summary>The forward rule: the tangent of the output from the inputs' tangents (null means zero); null when zero.</summary>
    internal abstract Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents);

    /// <summary>
    /// The lowering: which backend-neutral <see cref="KernelKind"/> computes this node at concrete input
    /// shapes and dtypes, with its geometry (GEMM dimensions, reduction extents, strides) worked out here, once.
    /// Backends switch on the kind; <see cref="ReferenceOnlyKind"/> says (with the reason) that every backend
    /// runs <see cref="Reference"/> instead.
    /// </summary>
    internal abstract KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype);

    /// <summary>How <see cref="Expr.ToString"/> prints the node, given its printed inputs.</summary>
    internal virtual string Format(IReadOnlyList<string> inputs) => $"{Name}({string.Join(", ", inputs)})";

    /// <summary>True for ops whose value is a pure elementwise function of broadcast inputs.</summary>
    internal virtual bool IsElementwise => false;

    /// <summary>
    /// The batching rule (what <c>Rows()</c>/vmap uses): this node rebuilt over <paramref name="inputs"/>, the
    /// already batched inputs, where input i carries an extra leading batch axis when <paramref name="batched"/>[i]
    /// is true. The result has the node's shape with a leading batch axis, or the node's own shape when its
    /// value cannot depend on the batch (SizeOf). Ops without a rule cannot be mapped over rows; see
    /// <see cref="FuncNet.Expressions.Batching"/> for the shared helpers.
    /// </summary>
    internal virtual Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        throw new FuncNetException(
            $"Rows: {Name} has no batching rule, so a function that uses it (here on a row of shape {node.Inputs.FirstOrDefault()?.Shape}) " +
            "cannot be mapped over rows. Apply it to the whole tensor outside the query, or add a Batch rule to the op.");

    /// <summary>Shorthand for a DTypeException naming this op.</summary>
    private protected DTypeException DTypeError(string expected, IReadOnlyList<DType> given) =>
        new($"{Name}: expected {expected}; given {string.Join(" and ", given)}.");

    /// <summary>Requires one float dtype shared by all inputs; returns it.</summary>
    private protected DType RequireSameFloat(IReadOnlyList<DType> dtypes)
    {
        var d = RequireSame(dtypes);
        return d.IsFloat() ? d : throw DTypeError("Float32 or Float64 inputs", dtypes);
    }

    /// <summary>Requires one dtype shared by all inputs; returns it.</summary>
    private protected DType RequireSame(IReadOnlyList<DType> dtypes)
    {
        for (var i = 1; i < dtypes.Count; i++)
        {
            if (dtypes[i] != dtypes[0])
            {
                throw DTypeError("inputs of one dtype (cast one with Ops.Cast)", dtypes);
            }
        }
        return dtypes[0];
    }

    /// <summary>Returns a Vjp array of the right length with every entry null.</summary>
    private protected static Expr?[] NoGradients(int count) => new Expr?[count];
}
