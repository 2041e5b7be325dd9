using FuncNet.Expressions;

namespace FuncNet;

/// <summary>
/// An elementwise map whose body is a scalar expression over <see cref="MapSymbolOp"/> arguments: what
/// LINQ's <c>select</c> traces to and what fusion groups become. Its formula is the composition of the
/// body's ops' formulas, so every backend runs it as one kernel; its derivative is the map of the body's
/// derivative.
/// </summary>
internal sealed record MapOp(Expr Body, int Arity) : ElementwiseOp
{
    public override string Name => "Map";

    protected override bool AcceptsInt => true;

    protected override DType ResultDType(DType input) => Body.DType;

    internal override ScalarExpr Formula(IReadOnlyList<ScalarExpr> args) => Compose(Body, args);

    /// <summary>The formula of a map body: the composition of its ops' formulas over the given arguments.</summary>
    internal static ScalarExpr Compose(Expr body, IReadOnlyList<ScalarExpr> args)
    {
        var formulas = new Dictionary<Expr, ScalarExpr>();
        foreach (var node in GraphWalk.Topological([body]))
        {
            formulas[node] = node.Op switch
            {
                MapSymbolOp s => args[s.Index],
                ConstantOp c => ScalarExpr.Const(c.Value.GetDouble(0)),
                ElementwiseOp e => e.Formula(node.Inputs.Select(i => formulas[i]).ToArray()),
                _ => throw new InvalidOperationException($"Map body contains {node.Op.Name}; bodies are validated to be elementwise."),
            };
        }
        return formulas[body];
    }

    internal override Expr?[] Vjp(Expr node, Expr gradient)
    {
        var grads = new Expr?[Arity];
        var partials = Partials(node);
        for (var i = 0; i < Arity; i++)
        {
            if (partials[i] is { } p && node.Inputs[i].DType.IsFloat())
            {
                grads[i] = Ops.SumToShapeOf(gradient * p, node.Inputs[i]);
            }
        }
        return grads;
    }

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents)
    {
        var partials = Partials(node);
        Expr? sum = null;
        for (var i = 0; i < Arity; i++)
        {
            if (tangents[i] is { } t && partials[i] is { } p)
            {
                sum = Tangents.Add(sum, t * p);
            }
        }
        return sum is null ? null : Ops.BroadcastLike(sum, node);
    }

    /// <summary>∂body/∂xᵢ as maps over the node's inputs (null where the body does not depend on xᵢ).</summary>
    private Expr?[] Partials(Expr node)
    {
        var symbols = MapSymbols(node.Inputs);
        var connected = GraphWalk.Topological([Body]).Where(n => n.Op is MapSymbolOp).ToHashSet();
        var result = new Expr?[Arity];
        for (var i = 0; i < Arity; i++)
        {
            if (!connected.Contains(symbols[i]) || !symbols[i].DType.IsFloat())
            {
                continue;
            }
            var d = BodyDerivative(Body, symbols[i]);
            result[i] = Ops.MapBody(d, node.Inputs);
        }
        return result;
    }

    /// <summary>
    /// ∂body/∂symbol, simplified: a differentiation of the body graph. Differentiation and rewriting are later
    /// layers than the op catalogue, so the map does not call them; <c>FuncNet.Differentiation.MapBodyDerivative</c>
    /// installs them here when the assembly loads (the dependency is inverted, not hidden: nothing else sets this).
    /// </summary>
    internal static Func<Expr, Expr, Expr> BodyDerivative { get; private set; } = (_, _) =>
        throw new InvalidOperationException("No derivative of map bodies is installed; FuncNet.Differentiation.MapBodyDerivative does that when FuncNet.Core loads.");

    /// <summary>Installs the derivative of map bodies; only <c>FuncNet.Differentiation.MapBodyDerivative</c> calls this.</summary>
    internal static void InstallBodyDerivative(Func<Expr, Expr, Expr> derivative) => BodyDerivative = derivative;

    internal static Expr[] MapSymbols(IReadOnlyList<Expr> inputs) =>
        inputs.Select((x, i) => Expr.Make(new MapSymbolOp(i, x.DType))).ToArray();

    internal override string Format(IReadOnlyList<string> inputs) =>
        $"Map(({string.Join(", ", Enumerable.Range(0, Arity).Select(i => "x" + i))}) => {Body}, {string.Join(", ", inputs)})";
}

public static partial class Ops
{
    /// <summary>
    /// An elementwise map: <paramref name="f"/> is traced once on a scalar symbol standing for one element
    /// of <paramref name="x"/>; the result is a single map node (one fused kernel) that differentiates
    /// through <paramref name="f"/>. <paramref name="f"/> may use only elementwise ops and scalar constants.
    /// </summary>
    public static Expr Map(Expr x, Func<Expr, Expr> f) => Map([x], args => f(args[0]), "Map");

    /// <summary>An elementwise map over two broadcast inputs; see <see cref="Map(Expr, Func{Expr, Expr})"/>.</summary>
    public static Expr Map(Expr x, Expr y, Func<Expr, Expr, Expr> f) => Map([x, y], args => f(args[0], args[1]), "Map");

    /// <summary>An elementwise map over any number of broadcast inputs; <paramref name="query"/> names the caller in errors.</summary>
    public static Expr Map(IReadOnlyList<Expr> inputs, Func<IReadOnlyList<Expr>, Expr> f, string query)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(f);
        var shape = inputs.Select(i => i.Shape).Aggregate((a, b) => Shape.TryBroadcast(a, b) ?? throw new ShapeException(
            $"{query}: the inputs' shapes {string.Join(" and ", inputs.Select(i => i.Shape))} do not broadcast (numpy rules)."));
        _ = shape;
        // A bare number among the inputs takes the dtype of the first typed one, as it would in a binary op.
        if (inputs.FirstOrDefault(i => !i.IsWeak) is { } typed)
        {
            inputs = inputs.Select(i => i.Adopt(typed.DType)).ToArray();
        }
        var symbols = MapOp.MapSymbols(inputs);
        var body = f(symbols) ?? throw new FuncNetException($"{query}: the function returned null; it must return an Expr.");
        ValidateMapBody(body, query);
        return MapBody(body, inputs);
    }

    /// <summary>Throws unless a traced body uses only map symbols, scalar constants and elementwise ops on scalars.</summary>
    internal static void ValidateMapBody(Expr body, string query)
    {
        foreach (var node in GraphWalk.Topological([body]))
        {
            var ok = node.Op is MapSymbolOp || (node.Op is ConstantOp && node.Rank == 0) || (node.Op.IsElementwise && node.Rank == 0);
            if (!ok)
            {
                throw new FuncNetException(
                    $"{query}: the body must be elementwise on scalar elements, but it uses {node.Op.Name} producing shape {node.Shape}. " +
                    "Use only elementwise ops (arithmetic, Exp, Sigmoid, Where, …) and scalar constants inside the lambda; combine whole tensors outside it.");
            }
        }
    }

    /// <summary>A map of an already traced body over inputs, collapsing trivial bodies.</summary>
    internal static Expr MapBody(Expr body, IReadOnlyList<Expr> inputs)
    {
        return body.Op switch
        {
            MapSymbolOp s when inputs.Count == 1 => Cast(inputs[s.Index], body.DType),
            ConstantOp c when inputs.Count == 1 => BroadcastLike(Expr.Constant(c.Value.Cast(body.DType)), inputs[0]),
            _ => Expr.Make(new MapOp(body, inputs.Count), inputs.ToArray()),
        };
    }
}
