namespace FuncNet.Testing;

/// <summary>A symbolic derivative disagreed with central differences; <see cref="Report"/> says where and by how much.</summary>
public sealed class GradCheckException : FuncNetException
{
    /// <summary>Creates the exception from a failed report.</summary>
    public GradCheckException(GradCheckReport report) : base((report ?? throw new ArgumentNullException(nameof(report))).ToString()) =>
        Report = report;

    /// <summary>The failed report.</summary>
    public GradCheckReport Report { get; }
}
