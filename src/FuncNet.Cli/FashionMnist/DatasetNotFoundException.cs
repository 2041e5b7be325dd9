namespace FuncNet.Cli.FashionMnist;

/// <summary>The data set's files are not where they were looked for.</summary>
internal sealed class DatasetNotFoundException : FuncNetException
{
    public DatasetNotFoundException(string message) : base(message) { }
}
