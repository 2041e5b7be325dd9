using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>A named input fed at run time. Identity is the unique id, never the name.</summary>
internal sealed record PlaceholderOp(long Identity, string PlaceholderName, Shape DeclaredShape, DType DeclaredDType) : Op
{
    public override string Name => "Placeholder";

    // Lowering: a leaf: the plan binds the feed.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new BoundKind();

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) => (DeclaredShape, DeclaredDType);

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) =>
        throw new MissingFeedException($"Placeholder '{PlaceholderName}' (shape {DeclaredShape}, {DeclaredDType}) was not fed; pass a value for it in the feeds.");

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;

    internal override string Format(IReadOnlyList<string> inputs) => PlaceholderName;

    /// <summary>Checks the shape and dtype of a fed value against the declaration; throws naming the placeholder.</summary>
    public void Validate(Shape shape, DType dtype)
    {
        if (dtype != DeclaredDType)
        {
            throw new DTypeException($"Feed for placeholder '{PlaceholderName}': expected dtype {DeclaredDType}; given {dtype} (convert it with Tensor.Cast).");
        }
        if (!shape.IsCompatibleWith(DeclaredShape))
        {
            throw new ShapeException($"Feed for placeholder '{PlaceholderName}': expected shape {DeclaredShape} (? = any); given {shape}.");
        }
    }
}

public sealed partial class Expr
{
    /// <summary>
    /// A named input fed at run time. <paramref name="shape"/> may contain -1 for dimensions known only
    /// when fed (a batch size, say); null means a scalar. Two placeholders with the same name are still
    /// different inputs.
    /// </summary>
    public static Expr Placeholder(string name, Shape? shape = null, DType dtype = DType.Float64)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Make(new PlaceholderOp(ExprTable.NextIdentity(), name, shape ?? Shape.Scalar, dtype));
    }

    /// <summary>A named Float64 input of the given dimensions (-1 for unknown).</summary>
    public static Expr Placeholder(string name, params int[] dims) => Placeholder(name, new Shape(dims));

    /// <summary>True when this node is a placeholder.</summary>
    public bool IsPlaceholder => Op is PlaceholderOp;
}
