namespace FuncNet.Linq;

/// <summary>
/// A query over expressions that cannot be traced: a body that is not elementwise, a second source that
/// depends on the first range variable, or a function that does not return an Expr. The message names the
/// query, the shapes involved, and what to write instead.
/// </summary>
public class QueryException : FuncNetException
{
    /// <summary>Creates the exception.</summary>
    public QueryException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public QueryException(string message, Exception inner) : base(message, inner) { }
}
