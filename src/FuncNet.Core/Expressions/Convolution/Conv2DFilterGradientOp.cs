using FuncNet.Expressions;
using FuncNet.Lowering;

namespace FuncNet;

/// <summary>
/// The gradient of a convolution with respect to its filters: from images x (N, C, H, W) and output gradients
/// g (N, K, OH, OW), filters (K, C/groups, R, S) where each tap sums x · g over every position that used it.
/// R and S are attributes: several filter sizes map one image size to one output size under padding.
/// </summary>
internal sealed record Conv2DFilterGradientOp(Conv2DGeometry Geometry, int FilterHeight, int FilterWidth) : Op
{
    public override string Name => "Conv2DFilterGradient";

    // Lowering: the filter-gradient pass; the filters are the result.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        new ConvolutionKind(Geometry, inputs[0], shape, ConvolutionPass.FilterGradient);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        Shape x = shapes[0], g = shapes[1];
        var dtype = RequireSameFloat(dtypes);
        if (x.Rank != 4 || g.Rank != 4)
        {
            throw new ShapeException($"{Name}: expected images (N, C, H, W) and output gradients (N, K, OH, OW), both of rank 4; given images {x} and gradients {g}.");
        }
        if (x[1] != Shape.Unknown && x[1] % Geometry.Groups != 0)
        {
            throw new ShapeException($"{Name}: the images' {x[1]} channels do not split into {Geometry.Groups} groups; given images {x} and gradients {g}.");
        }
        var filter = Shape.Of(g[1], x[1] == Shape.Unknown ? Shape.Unknown : x[1] / Geometry.Groups, FilterHeight, FilterWidth);
        var expected = Geometry.Check(Name, x, filter);
        if (!Shape.DimsCompatible(g[0], x[0]) || !Shape.DimsCompatible(g[2], expected[2]) || !Shape.DimsCompatible(g[3], expected[3]))
        {
            throw new ShapeException($"{Name}: images {x} under a {FilterHeight} × {FilterWidth} filter give outputs {expected}; given images {x} and gradients {g}.");
        }
        return (filter, dtype);
    }

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        Tensor x = inputs[0], g = inputs[1];
        var dw = new double[outputShape.Size];
        Geometry.ForEachTap(x.Shape, outputShape, (xi, wi, yi) => dw[wi] += x.GetDouble(xi) * g.GetDouble(yi));
        return Tensor.FromSpan(outputShape, dw, outputDType);
    }

    // ⟨u, F(x, g)⟩ = ⟨InputGradient(g, u), x⟩ = ⟨Conv2D(x, u), g⟩.
    internal override Expr?[] Vjp(Expr node, Expr gradient)
    {
        Expr x = node.Inputs[0], g = node.Inputs[1];
        return [Ops.Conv2DInputGradient(g, gradient, Geometry, x.Shape, Name), Expr.Make(new Conv2DOp(Geometry), x, gradient)];
    }

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents)
    {
        Expr x = node.Inputs[0], g = node.Inputs[1];
        return Tangents.Add(
            tangents[0] is { } tx ? Expr.Make(this, tx, g) : null,
            tangents[1] is { } tg ? Expr.Make(this, x, tg) : null);
    }

    internal override string Format(IReadOnlyList<string> inputs) => $"Conv2DFilterGradient({inputs[0]}, {inputs[1]}, {FilterHeight} × {FilterWidth}, {Geometry})";

    // Batching: one filter gradient per row, as groups over rows of channels of both operands.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched)
    {
        var all = Batching.AllBatched(inputs, batched);
        var rows = all[0].Shape[0];
        if (rows == Shape.Unknown)
        {
            throw new ShapeException($"Rows: {Name} over rows needs the number of rows known when the graph is built; given images {all[0].Shape}.");
        }
        var grouped = this with { Geometry = Geometry with { Groups = Geometry.Groups * rows } };
        var dw = Expr.Make(grouped, ImageBatching.ChannelsOfEachRow(all[0], Name), ImageBatching.ChannelsOfEachRow(all[1], Name));
        return ImageBatching.RowsOfFilters(dw, rows);
    }
}

public static partial class Ops
{
    /// <summary>The filters' gradient of a convolution in <paramref name="geometry"/> with filters shaped <paramref name="filter"/>.</summary>
    internal static Expr Conv2DFilterGradient(Expr x, Expr g, Conv2DGeometry geometry, Shape filter, string where)
    {
        if (filter[2] == Shape.Unknown || filter[3] == Shape.Unknown)
        {
            throw new ShapeException($"{where}: the gradient with respect to the filters needs their height and width known; given images {x.Shape} and filter {filter}.");
        }
        return Expr.Make(new Conv2DFilterGradientOp(geometry, filter[2], filter[3]), x, g);
    }
}
