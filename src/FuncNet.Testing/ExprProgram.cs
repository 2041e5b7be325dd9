using System.Text;

namespace FuncNet.Testing;

/// <summary>
/// A random Float64 expression as a straight-line program over a pool of nodes. The program is plain data
/// (plus the closures that apply each op), so it can be printed, rebuilt with fresh placeholders any number
/// of times, and shrunk by truncation. <see cref="Seed"/> drives any further randomness a property needs
/// (projections, tangents), so a failing case replays exactly.
/// </summary>
public sealed class ExprProgram
{
    /// <summary>A program from its steps (the first must be an input) and the seed of its further randomness.</summary>
    public ExprProgram(IReadOnlyList<ExprStep> steps, int seed)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0 || !steps[0].IsInput)
        {
            throw new FuncNetException($"ExprProgram: a program starts with an input step; given {(steps.Count == 0 ? "no steps" : $"'{steps[0].Description}' first")}.");
        }
        Steps = steps;
        Seed = seed;
    }

    /// <summary>The steps, inputs and ops, each referring only to earlier steps.</summary>
    public IReadOnlyList<ExprStep> Steps { get; }

    /// <summary>The seed that generated the program; it also drives the projections and tangents a property draws.</summary>
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
