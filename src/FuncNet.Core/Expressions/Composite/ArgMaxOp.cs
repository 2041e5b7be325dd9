using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>The index of the largest element along an axis (the first on ties), as Int32. Not differentiable: no gradient flows.</summary>
internal sealed record ArgMaxOp(int Axis) : Op
{
    public override string Name => "ArgMax";

    // Lowering: reference-only on every backend until a kernel kind covers it.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new ReferenceOnlyKind("ArgMax has no native kernel yet");

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        if (shapes[0][Axis] == 0)
        {
            // Checked again when a placeholder's unknown length is fed as 0.
            throw new ShapeException($"{Name}: axis {Axis} of shape {shapes[0]} has length 0, so there is no largest element to index; expected a non-empty axis.");
        }
        return (new Shape(shapes[0].Where((_, i) => i != Axis).ToArray()), DType.Int32);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var x = inputs[0];
        var (outer, length, inner) = AlongAxis.Split(x.Shape, Axis);
        var result = new int[outer * inner];
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var start = o * length * inner + i;
                var best = 0;
                for (var j = 1; j < length; j++)
                {
                    if (x.GetDouble(start + j * inner) > x.GetDouble(start + best * inner)) { best = j; }
                }
                result[o * inner + i] = best;
            }
        }
        return Tensor.Create(outputShape, result);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;

    internal override string Format(IReadOnlyList<string> inputs) => $"ArgMax({inputs[0]}, {Axis})";

    // Batching: the axis moves past the batch axis.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(this with { Axis = Axis + 1 }, inputs[0]);
}

public static partial class Ops
{
    /// <summary>
    /// The index of the largest element along <paramref name="axis"/> (first on ties), as Int32 (PyTorch
    /// returns int64). A zero-length axis has no index to return and throws a <see cref="ShapeException"/>.
    /// </summary>
    public static Expr ArgMax(Expr x, int axis) => Expr.Make(new ArgMaxOp(x.Shape.NormalizeAxis(axis, "ArgMax")), x);

    /// <summary>The index of the largest element along the last axis.</summary>
    public static Expr ArgMax(Expr x) => ArgMax(x, -1);
}
