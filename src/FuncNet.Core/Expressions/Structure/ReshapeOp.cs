using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>The same elements, row-major, seen with another shape; one target dimension may be -1 (inferred).</summary>
internal sealed record ReshapeOp(IntList Target) : Op
{
    public override string Name => "Reshape";

    // Lowering: the same elements under a new shape: a copy where the plan cannot alias it.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new CopyKind(shape.Size);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes) => (Resolve(shapes[0]), dtypes[0]);

    private Shape Resolve(Shape input)
    {
        var dims = Target.ToArray();
        var inferred = Array.IndexOf(dims, -1);
        if (dims.Count(d => d == -1) > 1)
        {
            throw new ShapeException($"{Name}: at most one target dimension may be -1 (inferred); given {Target}.");
        }
        // Checked before anything else: an unchecked product of (2²⁴, 2²⁰, 2²⁰) is 2⁶⁴ = 0 and would pass for
        // the reshape of an empty tensor.
        var known = Shape.ElementCount(dims.Where(d => d != -1)) ?? throw Shape.TooLarge(new Shape(dims).ToString(), $"{Name} of {input}");
        if (!input.IsFullyKnown)
        {
            return new Shape(dims);
        }
        if (inferred >= 0)
        {
            if (known == 0)
            {
                throw new ShapeException($"{Name}: cannot infer the -1 dimension of {Target} for {input}: the other target dimensions contain a 0, so any length fits; give it explicitly.");
            }
            if (input.Size % known != 0)
            {
                throw new ShapeException($"{Name}: cannot reshape {input} ({input.Size} elements) to {Target}: {input.Size} is not a multiple of {known}.");
            }
            dims[inferred] = (int)(input.Size / known);
        }
        else if (known != input.Size)
        {
            throw new ShapeException($"{Name}: cannot reshape {input} ({input.Size} elements) to {new Shape(dims)} ({known} elements).");
        }
        return new Shape(dims);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType) => inputs[0].Reshape(outputShape);

    internal override Expr?[] Vjp(Expr node, Expr gradient)
    {
        var x = node.Inputs[0];
        if (x.Shape.Count(d => d == Shape.Unknown) > 1)
        {
            throw new ShapeException($"{Name}: the gradient of a reshape from {x.Shape} needs at most one unknown dimension in the source shape.");
        }
        return [Ops.Reshape(gradient, x.Shape)];
    }

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => tangents[0] is { } t ? Ops.Reshape(t, node.Shape) : null;

    internal override string Format(IReadOnlyList<string> inputs) => $"Reshape({inputs[0]}, {Target})";

    // Batching: the batch length leads the target; -1 may stand for it only when the row's target is fully known.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched)
    {
        var x = inputs[0];
        var row = node.Shape.IsFullyKnown ? node.Shape.ToArray() : Target.ToArray();
        if (x.Shape[0] != Shape.Unknown)
        {
            return Ops.Reshape(x, new Shape([x.Shape[0], .. row]));
        }
        if (row.Contains(Shape.Unknown))
        {
            throw new ShapeException($"Rows: {Name} of a row to {Target} infers a dimension while the number of rows is known only at run time; give the row's target shape in full.");
        }
        return Ops.Reshape(x, new Shape([Shape.Unknown, .. row]));
    }
}

public static partial class Ops
{
    /// <summary>Views <paramref name="x"/>'s elements (row-major) with a new shape; one dimension may be -1 to be inferred.</summary>
    public static Expr Reshape(Expr x, Shape shape)
    {
        var op = new ReshapeOp(new IntList(shape));
        return x.Shape == shape && shape.IsFullyKnown ? x : Expr.Make(op, x);
    }

    /// <summary>Views <paramref name="x"/>'s elements with new dimensions; one may be -1 to be inferred.</summary>
    public static Expr Reshape(Expr x, params int[] dims) => Reshape(x, new Shape(dims));
}
