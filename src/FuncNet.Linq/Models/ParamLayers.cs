namespace FuncNet.Linq;

/// <summary>
/// Layers as model queries: each declares its parameters under a name prefix (as the layers of
/// <c>FuncNet.Layers</c> name their variables) and selects the layer's function, to compose with the rest:
/// <code>
/// var model = from dense in Param.Dense("hidden", 784, 128, DType.Float32)
///             from norm in Param.BatchNorm("norm", 128, DType.Float32)
///             from output in Param.Dense("output", 128, 10, DType.Float32)
///             select (Func&lt;Expr, bool, Expr&gt;)((x, training) => output(Ops.Relu(norm(dense(x), training))));
/// </code>
/// </summary>
public static partial class Param
{
    /// <summary>
    /// A dense layer x·W + b: <c>{name}/kernel</c> [inputs, units] Glorot-uniform (Keras' default) and
    /// <c>{name}/bias</c> [units] zeros.
    /// </summary>
    public static Param<Func<Expr, Expr>> Dense(string name, int inputs, int units, DType dtype) =>
        from kernel in Glorot($"{name}/kernel", inputs, units, dtype)
        from bias in Zeros($"{name}/bias", Shape.Of(units), dtype)
        select (Func<Expr, Expr>)(x => Ops.MatMul(x, kernel) + bias);

    /// <summary>
    /// Layer normalization over the last axis (<see cref="Ops.LayerNorm(Expr, Expr, Expr)"/>): <c>{name}/gamma</c>
    /// ones and <c>{name}/beta</c> zeros, both [width].
    /// </summary>
    public static Param<Func<Expr, Expr>> LayerNorm(string name, int width, DType dtype) =>
        from gamma in Declare($"{name}/gamma", Shape.Of(width), dtype, _ => 1.0)
        from beta in Zeros($"{name}/beta", Shape.Of(width), dtype)
        select (Func<Expr, Expr>)(x => Ops.LayerNorm(x, gamma, beta));

    /// <summary>
    /// Batch normalization over axis 1 with PyTorch's defaults (momentum 0.1, ε 1e-5): <c>{name}/gamma</c> ones,
    /// <c>{name}/beta</c> zeros, <c>{name}/running_mean</c> zeros and <c>{name}/running_variance</c> ones, all
    /// [channels]. The function takes the input and whether it is training: in training a step minimizing a
    /// loss built from it updates the running statistics (which it does not train); in inference it uses them.
    /// </summary>
    public static Param<Func<Expr, bool, Expr>> BatchNorm(string name, int channels, DType dtype) =>
        from gamma in Declare($"{name}/gamma", Shape.Of(channels), dtype, _ => 1.0)
        from beta in Zeros($"{name}/beta", Shape.Of(channels), dtype)
        from mean in Zeros($"{name}/running_mean", Shape.Of(channels), dtype)
        from variance in Declare($"{name}/running_variance", Shape.Of(channels), dtype, _ => 1.0)
        select (Func<Expr, bool, Expr>)((x, training) => training
            ? Ops.BatchNorm(x, gamma, beta, mean, variance, 0.1, Ops.DefaultNormEpsilon)
            : Ops.BatchNormInference(x, gamma, beta, mean, variance, Ops.DefaultNormEpsilon));
}
