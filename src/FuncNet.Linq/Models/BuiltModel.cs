namespace FuncNet.Linq;

/// <summary>A built model query: what it built (its Expr), and its parameters as variables with their seeded initial values.</summary>
/// <typeparam name="T">What the model builds.</typeparam>
public sealed class BuiltModel<T>
{
    internal BuiltModel(T value, IReadOnlyList<Expr> variables)
    {
        Value = value;
        Variables = variables.ToArray();
        InitialValues = variables.ToDictionary(v => v.Name!, v => v.InitialValue);
    }

    /// <summary>What the query's select built (usually the model's output Expr).</summary>
    public T Value { get; }

    /// <summary>The parameters in declaration order, as <see cref="Expr.Variable"/> nodes.</summary>
    public IReadOnlyList<Expr> Variables { get; }

    /// <summary>Each parameter's initial value by name.</summary>
    public IReadOnlyDictionary<string, Tensor> InitialValues { get; }

    /// <summary>The variable declared with <paramref name="name"/>.</summary>
    public Expr this[string name] => Variables.FirstOrDefault(v => v.Name == name)
        ?? throw new FuncNetException($"The model has no parameter '{name}'; it declares {string.Join(", ", Variables.Select(v => v.Name))}.");
}
