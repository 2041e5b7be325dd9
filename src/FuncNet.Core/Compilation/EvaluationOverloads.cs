namespace FuncNet;

public sealed partial class Expr
{
    /// <summary>
    /// Evaluates this expression once with feeds given as key/value pairs: what F#'s <c>dict [p, value]</c>
    /// (an IDictionary, not an IReadOnlyDictionary) and <c>Map</c> are.
    /// </summary>
    public Tensor Eval(IEnumerable<KeyValuePair<Expr, Tensor>> feeds)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        return Eval(feeds.ToDictionary(p => p.Key, p => p.Value));
    }
}
