using System.Text;

namespace FuncNet.Tests.Support;

/// <summary>
/// One instruction of a random expression program: either a new input (a placeholder with a value) or an op
/// applied to earlier nodes, referred to by index. Steps only look backwards, so every prefix of a program is
/// itself a valid program: that is what shrinking relies on.
/// </summary>
public sealed record ExprStep(string Description, int[] Operands, Func<IReadOnlyList<Expr>, Expr>? Apply, Tensor? InputValue)
{
    /// <summary>True for an input step (a placeholder fed with <see cref="InputValue"/>).</summary>
    public bool IsInput => InputValue is not null;
}

/// <summary>A built program: the output node, its placeholders and the values to feed them.</summary>
public sealed record BuiltExpr(Expr Output, IReadOnlyList<Expr> Inputs, IReadOnlyList<Tensor> Values)
{
    /// <summary>The placeholder → value feeds.</summary>
    public Dictionary<Expr, Tensor> Feeds => Inputs.Zip(Values).ToDictionary(p => p.First, p => p.Second);

    /// <summary>Feeds with the given values in place of <see cref="Values"/>.</summary>
    public Dictionary<Expr, Tensor> FeedsWith(IReadOnlyList<Tensor> values) => Inputs.Zip(values).ToDictionary(p => p.First, p => p.Second);
}

/// <summary>
/// A random Float64 expression as a straight-line program over a pool of nodes. The program is plain data
/// (plus the closures that apply each op), so it can be printed, rebuilt with fresh placeholders any number
/// of times, and shrunk by truncation. <see cref="Seed"/> drives any further randomness a property needs
/// (projections, tangents), so a failing case replays exactly.
/// </summary>
public sealed class ExprProgram
{
    public ExprProgram(IReadOnlyList<ExprStep> steps, int seed)
    {
        if (steps.Count == 0 || !steps[0].IsInput)
        {
            throw new ArgumentException("A program starts with an input.", nameof(steps));
        }
        Steps = steps;
        Seed = seed;
    }

    public IReadOnlyList<ExprStep> Steps { get; }

    public int Seed { get; }

    /// <summary>The number of op (non-input) steps.</summary>
    public int OpCount => Steps.Count(s => !s.IsInput);

    /// <summary>Builds the program with fresh placeholders; the output is the last step's node.</summary>
    public BuiltExpr Build()
    {
        var pool = new List<Expr>(Steps.Count);
        var inputs = new List<Expr>();
        var values = new List<Tensor>();
        foreach (var step in Steps)
        {
            if (step.InputValue is { } value)
            {
                var p = Expr.Placeholder($"x{inputs.Count}", value.Shape);
                inputs.Add(p);
                values.Add(value);
                pool.Add(p);
            }
            else
            {
                pool.Add(step.Apply!(step.Operands.Select(i => pool[i]).ToArray()));
            }
        }
        return new BuiltExpr(pool[^1], inputs, values);
    }

    /// <summary>The first <paramref name="count"/> steps as a program (its output is step count − 1).</summary>
    public ExprProgram Prefix(int count) => new(Steps.Take(count).ToArray(), Seed);

    /// <summary>Shorter programs first: every prefix that ends in an op, shortest first (FsCheck keeps the first that still fails).</summary>
    public IEnumerable<ExprProgram> Shrink()
    {
        for (var n = 1; n < Steps.Count; n++)
        {
            if (!Steps[n - 1].IsInput || n == 1)
            {
                yield return Prefix(n);
            }
        }
    }

    /// <summary>One line per step, e.g. <c>v3 = Add(v1, v2)</c>; inputs show shape and values.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("program (seed ").Append(Seed).AppendLine("):");
        for (var i = 0; i < Steps.Count; i++)
        {
            var s = Steps[i];
            sb.Append("  v").Append(i).Append(" = ");
            if (s.InputValue is { } v)
            {
                sb.Append("input ").Append(v.Shape).Append(' ').AppendLine(v.ToString().Replace("\n", " ", StringComparison.Ordinal));
            }
            else
            {
                sb.Append(s.Description).Append('(').Append(string.Join(", ", s.Operands.Select(o => "v" + o))).AppendLine(")");
            }
        }
        return sb.ToString();
    }
}
