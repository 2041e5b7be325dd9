using FuncNet.Lowering;
using FuncNet.Tensors;

namespace FuncNet.Expressions;

/// <summary>
/// An op whose output element is a scalar formula of the broadcast input elements. The formula is the op's
/// one definition of its value: the Reference backend interprets it and the code generators translate it.
/// </summary>
internal abstract record ElementwiseOp : Op
{
    internal override bool IsElementwise => true;

    /// <summary>True when the op accepts Int32 inputs (arithmetic, comparisons); transcendental ops do not.</summary>
    protected virtual bool AcceptsInt => false;

    /// <summary>The scalar formula of the op over its arguments.</summary>
    internal abstract ScalarExpr Formula(IReadOnlyList<ScalarExpr> args);

    // Lowering: the formula is the kernel on every backend, so an elementwise op declares nothing more.
    internal override KernelKind Lower(IReadOnlyList<Shape> inputs, IReadOnlyList<DType> dtypes, Shape shape, DType dtype) =>
        ElementwiseKind.Of(Name, Formula, inputs.Count);

    internal override (Shape, DType) Infer(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes)
    {
        var shape = shapes[0];
        for (var i = 1; i < shapes.Count; i++)
        {
            shape = Shape.TryBroadcast(shape, shapes[i]) ?? throw new ShapeException(
                $"{Name}: shapes {string.Join(" and ", shapes)} do not broadcast (numpy rules: aligned at the right, each pair of dimensions equal or one of them 1).");
        }
        var dtype = AcceptsInt ? RequireSame(dtypes) : RequireSameFloat(dtypes);
        return (shape, ResultDType(dtype));
    }

    /// <summary>The output dtype given the shared input dtype.</summary>
    protected virtual DType ResultDType(DType input) => input;

    internal override Tensor Reference(IReadOnlyList<Tensor> inputs, Shape outputShape, DType outputDType)
    {
        var formula = Formula(Enumerable.Range(0, inputs.Count).Select(ScalarExpr.Arg).ToArray());
        var n = outputShape.Size;
        var maps = inputs.Select(t => Broadcasting.SourceIndices(t.Shape, outputShape)).ToArray();
        var args = new double[inputs.Count];
        var result = new double[n];
        for (var k = 0; k < n; k++)
        {
            for (var i = 0; i < args.Length; i++)
            {
                args[i] = inputs[i].GetDouble(maps[i][k]);
            }
            // Rounding after each primitive would model Float32 exactly; rounding once is the oracle's
            // choice: the correctly rounded value of the exact formula.
            result[k] = formula.Evaluate(args);
        }
        return Tensor.FromSpan(outputShape, result, outputDType);
    }

    // Batching: lift batched operands to the output's rank after the batch axis; numpy broadcasting does the rest.
    internal override Expr Batch(Expr node, IReadOnlyList<Expr> inputs, IReadOnlyList<bool> batched) =>
        Expr.Make(this, Batching.AlignBatched(inputs, batched, node.Rank));
}

/// <summary>A one-input elementwise op: its derivative, as an Expr, serves both VJP and JVP.</summary>
internal abstract record UnaryOp : ElementwiseOp
{
    /// <summary>dy/dx as an elementwise Expr of the input x and the output y.</summary>
    internal abstract Expr Derivative(Expr x, Expr y);

    internal override ScalarExpr Formula(IReadOnlyList<ScalarExpr> args) => Formula(args[0]);

    /// <summary>The formula of the op on its argument.</summary>
    internal abstract ScalarExpr Formula(ScalarExpr x);

    internal override Expr?[] Vjp(Expr node, Expr gradient) => [gradient * Derivative(node.Inputs[0], node)];

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents) =>
        tangents[0] is { } t ? t * Derivative(node.Inputs[0], node) : null;
}

/// <summary>
/// A two-input elementwise op with numpy broadcasting. Subclasses give the gradient contributions at the
/// output's shape; this base sums them back to each input's shape (un-broadcasting).
/// </summary>
internal abstract record BinaryOp : ElementwiseOp
{
    protected override bool AcceptsInt => true;

    /// <summary>The formula of the op on its arguments.</summary>
    internal abstract ScalarExpr Formula(ScalarExpr a, ScalarExpr b);

    internal override ScalarExpr Formula(IReadOnlyList<ScalarExpr> args) => Formula(args[0], args[1]);

    /// <summary>The gradient contributions (at the output's shape, or broadcastable to it) for a and b; null for none.</summary>
    internal abstract (Expr? A, Expr? B) Backward(Expr a, Expr b, Expr y, Expr g);

    /// <summary>The output tangent from the input tangents (either may be null for zero).</summary>
    internal abstract Expr? Forward(Expr a, Expr b, Expr y, Expr? ta, Expr? tb);

    internal override Expr?[] Vjp(Expr node, Expr gradient)
    {
        Expr a = node.Inputs[0], b = node.Inputs[1];
        var (ga, gb) = Backward(a, b, node, gradient);
        return [ga is null ? null : Ops.SumToShapeOf(ga, a), gb is null ? null : Ops.SumToShapeOf(gb, b)];
    }

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents)
    {
        if (tangents[0] is null && tangents[1] is null)
        {
            return null;
        }
        var t = Forward(node.Inputs[0], node.Inputs[1], node, tangents[0], tangents[1]);
        return t is null ? null : Ops.BroadcastLike(t, node);
    }
}

/// <summary>A comparison: 1 where it holds, 0 elsewhere, in the inputs' dtype. Its gradient is zero almost everywhere.</summary>
internal abstract record ComparisonOp : BinaryOp
{
    internal override (Expr? A, Expr? B) Backward(Expr a, Expr b, Expr y, Expr g) => (null, null);

    internal override Expr? Forward(Expr a, Expr b, Expr y, Expr? ta, Expr? tb) => null;
}
