namespace FuncNet;

/// <summary>
/// An imported ONNX model as FuncNet expressions: its graph inputs as placeholders (in file order), its outputs
/// with their names, and the variables made from its initializers, ready to evaluate, differentiate or train.
/// </summary>
/// <param name="Inputs">The placeholders, one per graph input, named as in the file.</param>
/// <param name="Outputs">The outputs, in file order.</param>
/// <param name="OutputNames">The outputs' names in the file.</param>
/// <param name="Variables">The variables made from initializers that the graph reads as data.</param>
public sealed record OnnxGraph(IReadOnlyList<Expr> Inputs, IReadOnlyList<Expr> Outputs, IReadOnlyList<string> OutputNames, IReadOnlyList<Expr> Variables)
{
    /// <summary>The placeholder of the input named <paramref name="name"/>.</summary>
    public Expr Input(string name) => Inputs.FirstOrDefault(i => i.Name == name)
        ?? throw new FuncNetException($"OnnxGraph: no input named '{name}'; the inputs are {string.Join(", ", Inputs.Select(i => $"'{i.Name}'"))}.");

    /// <summary>The output named <paramref name="name"/>.</summary>
    public Expr Output(string name)
    {
        var i = OutputNames.ToList().IndexOf(name);
        return i >= 0 ? Outputs[i]
            : throw new FuncNetException($"OnnxGraph: no output named '{name}'; the outputs are {string.Join(", ", OutputNames.Select(n => $"'{n}'"))}.");
    }
}
