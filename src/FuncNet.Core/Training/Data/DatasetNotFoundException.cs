namespace FuncNet.Data;

/// <summary>A data set's files are not where they were looked for; the message names the missing files and how to install them.</summary>
public sealed class DatasetNotFoundException : FuncNetException
{
    /// <summary>Creates the exception with its message.</summary>
    public DatasetNotFoundException(string message) : base(message) { }
}
