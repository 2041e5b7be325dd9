using FuncNet.Lowering;

namespace FuncNet.Expressions;

/// <summary>
/// Argument number Index of a map body: a scalar stand-in for one element of a map's input. Symbols are
/// structural (index and dtype), so two maps traced from the same function are the same node.
/// </summary>
internal sealed record MapSymbolOp(int Index, DType SymbolDType) : Op
{
    public override string Name => "Symbol";

    // Lowering: like a leaf, bound (to the map's input), not computed; it exists only inside Map bodies.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new BoundKind();

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) => (Shape.Scalar, SymbolDType);

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) =>
        throw new FuncNetException($"A map symbol (argument {Index}) is only meaningful inside a map body; it cannot be evaluated on its own.");

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;

    internal override string Format(IReadOnlyList<string> inputs) => "x" + Index;
}
