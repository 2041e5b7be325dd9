namespace FuncNet;

/// <summary>The base of every error FuncNet raises on purpose. Its message says what was expected, what was given, and where.</summary>
public class FuncNetException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public FuncNetException(string message) : base(message) { }

    /// <summary>Creates the exception with its message and cause.</summary>
    public FuncNetException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Shapes that do not fit an op, or a fed value whose shape differs from its placeholder's.</summary>
public class ShapeException : FuncNetException
{
    /// <summary>Creates the exception.</summary>
    public ShapeException(string message) : base(message) { }
}

/// <summary>Element types that do not fit an op, or a fed value of the wrong dtype.</summary>
public class DTypeException : FuncNetException
{
    /// <summary>Creates the exception.</summary>
    public DTypeException(string message) : base(message) { }
}

/// <summary>A placeholder the computation needs was not fed.</summary>
public class MissingFeedException : FuncNetException
{
    /// <summary>Creates the exception.</summary>
    public MissingFeedException(string message) : base(message) { }
}

/// <summary>A computation produced NaN or infinity where it was checked.</summary>
public class NumericsException : FuncNetException
{
    /// <summary>Creates the exception.</summary>
    public NumericsException(string message) : base(message) { }
}

/// <summary>A backend's native library or device is not available.</summary>
public class BackendUnavailableException : FuncNetException
{
    /// <summary>Creates the exception.</summary>
    public BackendUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public BackendUnavailableException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A data set or checkpoint file is missing, not a regular file (a directory, FIFO or device), truncated or malformed.</summary>
public class CorruptFileException : FuncNetException
{
    /// <summary>Creates the exception.</summary>
    public CorruptFileException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public CorruptFileException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A backend could not allocate the storage a plan or a variable store needs (host memory is exhausted, or
/// the buffer exceeds what the runtime can hold). The message names the node, its shape and dtype and the
/// bytes requested; the run released everything it had allocated before the failure.
/// </summary>
public class AllocationException : FuncNetException
{
    /// <summary>Creates the exception with its message and the backend's own error.</summary>
    public AllocationException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A file could not be written where asked: a read-only or full file system, a missing permission, a path
/// that is a directory, a device or under <c>/proc</c>. The message names the path the caller gave (never a
/// temporary file) and the system's reason; <see cref="Exception.InnerException"/> holds the original error.
/// </summary>
public class FileWriteException : FuncNetException
{
    /// <summary>Creates the exception.</summary>
    public FileWriteException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public FileWriteException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Data-parallel workers that disagree (for example, they built different models) or a collective operation that failed.</summary>
public class DistributedException : FuncNetException
{
    /// <summary>Creates the exception, raised on this rank only.</summary>
    public DistributedException(string message) : base(message) { }

    /// <summary>Creates the exception, stating whether every rank raises the same one at the same point.</summary>
    public DistributedException(string message, bool raisedOnEveryRank) : base(message)
    {
        RaisedOnEveryRank = raisedOnEveryRank;
    }

    /// <summary>
    /// True when every rank found the same problem at the same point (so the job can end cleanly and one rank
    /// reports it); false when the others may be waiting in a collective and the job must be aborted.
    /// </summary>
    public bool RaisedOnEveryRank { get; }
}

/// <summary>
/// An index tensor holds a value outside the axis it indexes (Gather, Take, Embedding, ScatterAdd). Checked when
/// the plan runs, on every backend, before any element is read or written: the message names the op, the index,
/// its position and the axis length.
/// </summary>
public class IndexException : FuncNetException
{
    /// <summary>Creates the exception.</summary>
    public IndexException(string message) : base(message) { }
}
