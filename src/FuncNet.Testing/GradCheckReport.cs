using System.Text;

namespace FuncNet.Testing;

/// <summary>The outcome of a <see cref="GradCheck"/>: one <see cref="GradCheckInputReport"/> per input.</summary>
public sealed class GradCheckReport
{
    internal GradCheckReport(string what, Expr output, GradCheckOptions options, IReadOnlyList<GradCheckInputReport> inputs)
    {
        What = what;
        Output = output;
        Options = options;
        Inputs = inputs;
    }

    /// <summary>What was checked: "gradient" or "second-order gradient".</summary>
    public string What { get; }

    /// <summary>The scalar whose derivatives were checked.</summary>
    public Expr Output { get; }

    /// <summary>The options the check ran with.</summary>
    public GradCheckOptions Options { get; }

    /// <summary>One report per input, in the order the inputs were given.</summary>
    public IReadOnlyList<GradCheckInputReport> Inputs { get; }

    /// <summary>True when every element of every input is within tolerance.</summary>
    public bool Passed => Inputs.All(i => i.Passed);

    /// <summary>Throws <see cref="GradCheckException"/> with this report unless the check passed: the one-line assertion for a test.</summary>
    public void ThrowIfFailed()
    {
        if (!Passed)
        {
            throw new GradCheckException(this);
        }
    }

    /// <summary>A heading, then one line per input.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("GradCheck of the ").Append(What).Append(' ').Append(Passed ? "passed" : "FAILED")
          .Append(" (h = ").Append(Options.Epsilon).Append(", atol = ").Append(Options.AbsoluteTolerance)
          .Append(", rtol = ").Append(Options.RelativeTolerance).Append(") for ").Append(Output).AppendLine(":");
        foreach (var input in Inputs)
        {
            sb.Append("  ").AppendLine(input.ToString());
        }
        return sb.ToString().TrimEnd();
    }
}
