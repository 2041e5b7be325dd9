namespace FuncNet.Cli;

/// <summary>A command line that cannot run as given (unknown chapter, invalid option value): exit code 2.</summary>
internal sealed class UsageException : FuncNetException
{
    public UsageException(string message) : base(message) { }
}
