using FuncNet.Expressions;

namespace FuncNet;

/// <summary>
/// An elementwise op a user defined from a scalar formula and its partial derivatives
/// (<see cref="Ops.DefineElementwise(string, Func{Expr, Expr}, Func{Expr, Expr, Expr})"/>). The formula is traced
/// once, at definition, into a map body whose composed scalar formula every code generator compiles; the
/// derivatives are called on the node's real inputs and output when a gradient is built, each becoming one map
/// node, so they fuse, batch and differentiate again like any elementwise Expr.
/// </summary>
/// <param name="UserName">The name the user gave: printed graphs, errors and kernel names show it.</param>
/// <param name="Body">The traced formula over Float64 map symbols (dtype-free: constants are doubles).</param>
/// <param name="Arity">One or two inputs.</param>
/// <param name="Partials">∂y/∂xᵢ from the inputs and the output, one per input.</param>
internal sealed record UserElementwiseOp(string UserName, Expr Body, int Arity, Func<IReadOnlyList<Expr>, Expr, Expr[]> Partials) : ElementwiseOp
{
    public override string Name => UserName;

    internal override ScalarExpr Formula(IReadOnlyList<ScalarExpr> args) => MapOp.Compose(Body, args);

    internal override Expr?[] Vjp(Expr node, Expr gradient)
    {
        var partials = PartialsOf(node);
        return node.Inputs.Select((x, i) => (Expr?)Ops.SumToShapeOf(gradient * partials[i], x)).ToArray();
    }

    internal override Expr? Jvp(Expr node, IReadOnlyList<Expr?> tangents)
    {
        if (tangents.All(t => t is null))
        {
            return null;
        }
        var partials = PartialsOf(node);
        Expr? sum = null;
        for (var i = 0; i < Arity; i++)
        {
            if (tangents[i] is { } t)
            {
                sum = Tangents.Add(sum, t * partials[i]);
            }
        }
        return Ops.BroadcastLike(sum!, node);
    }

    /// <summary>The user's partial derivatives at this node, each traced as one map over the inputs and the output.</summary>
    private Expr[] PartialsOf(Expr node)
    {
        var inputs = node.Inputs.Append(node).ToArray();
        return Enumerable.Range(0, Arity).Select(i => Ops.Map(inputs, xs =>
        {
            var d = Partials(xs.Take(Arity).ToArray(), xs[Arity]);
            if (d is null || d.Length != Arity || d[i] is null)
            {
                throw new FuncNetException($"DefineElementwise '{UserName}': the derivative must return an Expr for each of the {Arity} input(s).");
            }
            return d[i];
        }, $"DefineElementwise '{UserName}' derivative {i}")).ToArray();
    }
}

public static partial class Ops
{
    /// <summary>
    /// Defines a new elementwise op from a scalar formula and its derivative, and returns the function that
    /// applies it. <paramref name="formula"/> is traced once, here, on a scalar stand-in and may use only
    /// elementwise ops and scalar constants; <paramref name="derivative"/> receives x and y = formula(x) and
    /// returns dy/dx, also elementwise. The op prints as <paramref name="name"/>, differentiates to any order
    /// (through the derivative you give), batches under <c>Rows()</c> and compiles into fused kernels on every backend.
    /// </summary>
    /// <example><code>var swish = Ops.DefineElementwise("Swish", x => x * Sigmoid(x), (x, y) => Sigmoid(x) * (1.0 + x * (1.0 - Sigmoid(x))));</code></example>
    public static Func<Expr, Expr> DefineElementwise(string name, Func<Expr, Expr> formula, Func<Expr, Expr, Expr> derivative)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(derivative);
        var op = DefineUserOp(name, 1, xs => formula(xs[0]), (xs, y) => [derivative(xs[0], y)]);
        return x => Expr.Make(op, x);
    }

    /// <summary>
    /// Defines a new two-input elementwise op (numpy broadcasting) from a scalar formula and its two partial
    /// derivatives, each given (a, b, y = formula(a, b)); see <see cref="DefineElementwise(string, Func{Expr, Expr}, Func{Expr, Expr, Expr})"/>.
    /// </summary>
    public static Func<Expr, Expr, Expr> DefineElementwise(
        string name, Func<Expr, Expr, Expr> formula, Func<Expr, Expr, Expr, Expr> derivativeA, Func<Expr, Expr, Expr, Expr> derivativeB)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(derivativeA);
        ArgumentNullException.ThrowIfNull(derivativeB);
        var op = DefineUserOp(name, 2, xs => formula(xs[0], xs[1]), (xs, y) => [derivativeA(xs[0], xs[1], y), derivativeB(xs[0], xs[1], y)]);
        return (a, b) => Binary(op, a, b);
    }

    private static UserElementwiseOp DefineUserOp(string name, int arity, Func<Expr[], Expr> formula, Func<IReadOnlyList<Expr>, Expr, Expr[]> partials)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new FuncNetException("DefineElementwise: the op needs a name (it is printed in graphs and errors); given an empty one.");
        }
        var symbols = Enumerable.Range(0, arity).Select(i => Expr.Make(new MapSymbolOp(i, DType.Float64))).ToArray();
        var query = $"DefineElementwise '{name}'";
        var body = formula(symbols) ?? throw new FuncNetException($"{query}: the formula returned null; it must return an Expr.");
        ValidateMapBody(body, query);
        return new UserElementwiseOp(name, body, arity, partials);
    }
}
