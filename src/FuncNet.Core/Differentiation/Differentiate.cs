using FuncNet.Differentiation;
using FuncNet.Expressions;

namespace FuncNet;

public static partial class Ops
{
    /// <summary>
    /// The symbolic gradients of <paramref name="y"/> with respect to each of <paramref name="xs"/>, as
    /// expressions (like <c>tf.gradients</c>). A non-scalar y means the gradient of its sum. A target y does
    /// not depend on gets zeros of its own shape. Targets may be placeholders, variables or any
    /// intermediate node; the result can be differentiated again.
    /// </summary>
    public static Expr[] Gradients(Expr y, params Expr[] xs) => ReverseMode.Gradients(y, xs, null);

    /// <summary>The gradients of Σ seed ⊙ y (a vector–Jacobian product with an explicit seed of y's shape).</summary>
    public static Expr[] Gradients(Expr y, IReadOnlyList<Expr> xs, Expr seed) =>
        ReverseMode.Gradients(y, xs, (seed ?? throw new ArgumentNullException(nameof(seed))).Adopt(y.DType));

    /// <summary>The gradient of <paramref name="y"/> with respect to one target.</summary>
    public static Expr Gradient(Expr y, Expr x) => ReverseMode.Gradients(y, [x], null)[0];

    /// <summary>
    /// The forward-mode directional derivative (Jacobian–vector product) of <paramref name="y"/> at the
    /// inputs <paramref name="xs"/> along <paramref name="tangents"/> (one per input, same shapes).
    /// </summary>
    public static Expr Jvp(Expr y, IReadOnlyList<Expr> xs, IReadOnlyList<Expr> tangents) => ForwardMode.Jvp(y, xs, tangents);

    /// <summary>
    /// The Hessian–vector products H·v of the scalar (or summed) <paramref name="y"/> with respect to
    /// <paramref name="xs"/>, one per input: the gradient of ⟨∇y, v⟩ (reverse over reverse).
    /// </summary>
    public static Expr[] Hvp(Expr y, IReadOnlyList<Expr> xs, IReadOnlyList<Expr> vectors)
    {
        if (xs.Count != vectors.Count)
        {
            throw new FuncNetException($"Hvp: expected one vector per input; given {xs.Count} inputs and {vectors.Count} vectors.");
        }
        var grads = ReverseMode.Gradients(y, xs, null);
        Expr? inner = null;
        for (var i = 0; i < xs.Count; i++)
        {
            inner = Tangents.Add(inner, ReduceSum(grads[i] * vectors[i].Adopt(grads[i].DType)));
        }
        return inner is null ? [] : ReverseMode.Gradients(inner, xs, null);
    }
}
