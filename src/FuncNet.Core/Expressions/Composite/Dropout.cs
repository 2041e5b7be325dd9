namespace FuncNet;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout: in training, each element of <paramref name="x"/> is zeroed with probability
    /// <paramref name="rate"/> and the kept ones are scaled by 1 / (1 − rate), so the expected value is unchanged
    /// and inference needs no rescaling (PyTorch's and Keras' convention); at inference
    /// (<paramref name="training"/> false) it is <paramref name="x"/> itself. The mask is
    /// <c>Bernoulli(key, 1 − rate, …)</c>: the same key gives the same mask on every backend, and the gradient
    /// flows only through the kept units (scaled alike). <paramref name="rate"/> outside [0, 1) is a
    /// <see cref="FuncNetException"/>; x needs a fully known shape, and the key shape (2,).
    /// </summary>
    public static Expr Dropout(Expr x, double rate, Expr key, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(key);
        if (!(rate >= 0 && rate < 1))
        {
            throw new FuncNetException($"Dropout: expected a rate in [0, 1) (the probability of dropping a unit); given {rate} for x of shape {x.Shape}.");
        }
        if (!x.DType.IsFloat())
        {
            throw new DTypeException($"Dropout: expected a Float32 or Float64 x; given {x.DType} (shape {x.Shape}).");
        }
        if (key.Shape != Shape.Of(2))
        {
            throw new ShapeException($"Dropout: expected one key of shape (2,); given a key of shape {key.Shape} for x of shape {x.Shape}.");
        }
        if (!training || rate == 0)
        {
            return x;
        }
        if (!x.Shape.IsFullyKnown)
        {
            throw new ShapeException($"Dropout: the mask needs x's full shape when the graph is built; given x of shape {x.Shape} (give the placeholder a known batch size).");
        }
        var keep = 1 - rate;
        return x * Bernoulli(key, keep, x.Shape.ToArray(), x.DType) * (1 / keep);
    }
}
