using FuncNet.Lowering;

namespace FuncNet;

/// <summary>Int32 class indices to one-hot rows of length Depth (a new last axis); out-of-range indices give all zeros, as in TensorFlow.</summary>
internal sealed record OneHotOp(int Depth, DType ResultDType) : Op
{
    public override string Name => "OneHot";

    // Lowering: reference-only on every backend until a kernel kind covers it.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new ReferenceOnlyKind("OneHot has no native kernel yet");

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        if (dtypes[0] != DType.Int32)
        {
            throw DTypeError("Int32 class indices", dtypes);
        }
        return (new Shape([.. shapes[0], Depth]), ResultDType);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var indices = inputs[0];
        var result = new double[outputShape.Size];
        for (var i = 0; i < indices.Size; i++)
        {
            var c = (int)indices.GetDouble(i);
            if (c >= 0 && c < Depth) { result[i * Depth + c] = 1; }
        }
        return Tensor.FromSpan(outputShape, result, outputDType);
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [null];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => null;

    internal override string Format(IReadOnlyList<string> inputs) => $"OneHot({inputs[0]}, {Depth})";

    // Batching: one-hot rows are appended as the last axis whatever the leading axes are.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(this, inputs[0]);
}

public static partial class Ops
{
    /// <summary>
    /// One-hot rows of length <paramref name="depth"/> for Int32 class indices, in <paramref name="dtype"/>. An
    /// index outside [0, depth) gives a row of zeros, as in TensorFlow (PyTorch raises an error).
    /// </summary>
    public static Expr OneHot(Expr indices, int depth, DType dtype)
    {
        if (depth <= 0)
        {
            throw new ShapeException($"OneHot: depth must be positive; given {depth}.");
        }
        return Expr.Make(new OneHotOp(depth, dtype), indices);
    }

    /// <summary>Float64 one-hot rows of length <paramref name="depth"/>.</summary>
    public static Expr OneHot(Expr indices, int depth) => OneHot(indices, depth, DType.Float64);
}
