namespace FuncNet.Checkpoints;

/// <summary>
/// The checks between a session's variables and a checkpoint: names are unique and present, shapes and
/// dtypes match. <see cref="Session.Save(string, IReadOnlyList{Expr})"/> and
/// <see cref="Session.Restore(string, IReadOnlyList{Expr})"/> use it.
/// </summary>
internal static class VariableCheckpoint
{
    /// <summary>The variables by name, rejecting non-variables and duplicate names.</summary>
    public static IReadOnlyList<(string Name, Expr Variable)> Named(IReadOnlyList<Expr> variables, string where)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var seen = new Dictionary<string, Expr>(StringComparer.Ordinal);
        var result = new List<(string, Expr)>();
        foreach (var v in variables)
        {
            ArgumentNullException.ThrowIfNull(v, nameof(variables));
            if (!v.IsVariable)
            {
                throw new FuncNetException($"{where}: expected variables (Expr.Variable); given {v.Op.Name} node {v}.");
            }
            var name = v.Name!;
            if (seen.TryGetValue(name, out var other))
            {
                if (ReferenceEquals(other, v)) { continue; }
                throw new FuncNetException($"{where}: two different variables are named '{name}'; a checkpoint stores values by name, so names must be unique.");
            }
            seen.Add(name, v);
            result.Add((name, v));
        }
        return result;
    }

    /// <summary>The checkpoint's value for each variable, checked; throws before anything is assigned.</summary>
    public static IReadOnlyList<(Expr Variable, Tensor Value)> Match(string path, IReadOnlyDictionary<string, Tensor> saved, IReadOnlyList<(string Name, Expr Variable)> variables)
    {
        var missing = variables.Where(v => !saved.ContainsKey(v.Name)).Select(v => v.Name).ToArray();
        if (missing.Length > 0)
        {
            throw new FuncNetException(
                $"Session.Restore: checkpoint {path} has no value for variable(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}; it holds {string.Join(", ", saved.Keys.Select(k => $"'{k}'"))}.");
        }
        var result = new List<(Expr, Tensor)>();
        foreach (var (name, variable) in variables)
        {
            var value = saved[name];
            var initial = variable.InitialValue;
            if (value.DType != initial.DType)
            {
                throw new DTypeException($"Session.Restore: variable '{name}' is {initial.DType} but checkpoint {path} holds {value.DType}.");
            }
            if (value.Shape != initial.Shape)
            {
                throw new ShapeException($"Session.Restore: variable '{name}' has shape {initial.Shape} but checkpoint {path} holds shape {value.Shape}.");
            }
            result.Add((variable, value));
        }
        return result;
    }
}
