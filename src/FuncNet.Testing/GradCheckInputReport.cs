using System.Globalization;

namespace FuncNet.Testing;

/// <summary>
/// How one input's symbolic derivative compared with central differences: how many elements were out of
/// tolerance, and the worst element (the one furthest out of tolerance, relative to its allowance).
/// </summary>
public sealed class GradCheckInputReport
{
    internal GradCheckInputReport(string input, Shape shape, int failedElements, int[] worstIndex, double symbolic, double numeric, double allowed)
    {
        Input = input;
        Shape = shape;
        FailedElements = failedElements;
        WorstIndex = worstIndex;
        Symbolic = symbolic;
        Numeric = numeric;
        Allowed = allowed;
    }

    /// <summary>The input's name (the placeholder's name).</summary>
    public string Input { get; }

    /// <summary>The input's shape.</summary>
    public Shape Shape { get; }

    /// <summary>How many elements are out of tolerance (NaN counts as out).</summary>
    public int FailedElements { get; }

    /// <summary>True when every element is within tolerance.</summary>
    public bool Passed => FailedElements == 0;

    /// <summary>The multi-index of the worst element (empty for a scalar input or an empty tensor).</summary>
    public IReadOnlyList<int> WorstIndex { get; }

    /// <summary>The symbolic derivative at the worst element.</summary>
    public double Symbolic { get; }

    /// <summary>The central difference at the worst element.</summary>
    public double Numeric { get; }

    /// <summary>|symbolic − numeric| at the worst element.</summary>
    public double AbsoluteError => Math.Abs(Symbolic - Numeric);

    /// <summary>The allowance atol + rtol·|numeric| at the worst element.</summary>
    public double Allowed { get; }

    /// <summary>One line, e.g. <c>x: 2 of 6 elements out of tolerance; worst [1, 0]: symbolic 3.5, numeric 1.75 (|error| 1.75 &gt; allowed 0.0018)</c>.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var at = "[" + string.Join(", ", WorstIndex) + "]";
        var summary = Passed ? "ok" : $"{FailedElements} of {Shape.Size} elements out of tolerance";
        return string.Create(c, $"{Input} {Shape}: {summary}; worst {at}: symbolic {Symbolic:R}, numeric {Numeric:R} (|error| {AbsoluteError:G3} {(Passed ? "≤" : ">")} allowed {Allowed:G3})");
    }
}
