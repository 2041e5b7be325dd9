using FuncNet.Expressions;
using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet;

/// <summary>Permutes axes: output axis i is input axis Permutation[i].</summary>
internal sealed record TransposeOp(IntList Permutation) : Op
{
    public override string Name => "Transpose";

    // Lowering: a strided copy (output axis a reads input axis Permutation[a]).
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        StridedCopyKind.Transpose(inputs[0], Permutation);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        var x = shapes[0];
        if (Permutation.Count != x.Rank || !Permutation.Order().SequenceEqual(Enumerable.Range(0, x.Rank)))
        {
            throw new ShapeException($"{Name}: expected a permutation of 0..{x.Rank - 1} for shape {x}; given {Permutation}.");
        }
        return (new Shape(Permutation.Select(p => x[p]).ToArray()), dtypes[0]);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var x = inputs[0];
        var inStrides = x.Shape.Strides();
        var rank = outputShape.Rank;
        var result = new double[outputShape.Size];
        var index = new int[rank];
        for (var k = 0; k < result.Length; k++)
        {
            var src = 0;
            for (var a = 0; a < rank; a++) { src += index[a] * inStrides[Permutation[a]]; }
            result[k] = x.GetDouble(src);
            for (var a = rank - 1; a >= 0; a--)
            {
                if (++index[a] < outputShape[a]) { break; }
                index[a] = 0;
            }
        }
        return Tensor.FromSpan(outputShape, result, outputDType);
    }

    internal int[] Inverse()
    {
        var inv = new int[Permutation.Count];
        for (var i = 0; i < inv.Length; i++) { inv[Permutation[i]] = i; }
        return inv;
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [Ops.Transpose(gradient, Inverse())];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) => tangents[0] is { } t ? Ops.Transpose(t, Permutation.ToArray()) : null;

    internal override string Format(IReadOnlyList<string> inputs) =>
        Permutation.Count == 2 ? $"{inputs[0]}ᵀ" : $"Transpose({inputs[0]}, {Permutation})";

    // Batching: the batch axis stays first; the row's axes are permuted behind it.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(new TransposeOp(Batching.Prepend(0, Batching.Shift(Permutation))), inputs[0]);
}

public static partial class Ops
{
    /// <summary>Permutes the axes of <paramref name="x"/>: result axis i is x's axis <c>permutation[i]</c>.</summary>
    public static Expr Transpose(Expr x, params int[] permutation)
    {
        if (permutation.Length == 0)
        {
            permutation = Enumerable.Range(0, x.Rank).Reverse().ToArray();
        }
        return permutation.SequenceEqual(Enumerable.Range(0, x.Rank)) ? x : Expr.Make(new TransposeOp(new IntList(permutation)), x);
    }

    /// <summary>Reverses the axes of <paramref name="x"/> (the matrix transpose for rank 2).</summary>
    public static Expr Transpose(Expr x) => Transpose(x, Array.Empty<int>());
}
