using Google.Protobuf;

namespace FuncNet;

/// <summary>
/// ONNX export and import. <see cref="Export(string, IReadOnlyList{Expr}, IReadOnlyList{Expr}, Session)"/>
/// writes an inference graph (opset <see cref="Opset"/>) that ONNX Runtime and ML.NET run: placeholders become
/// graph inputs (unknown dimensions symbolic: <c>batch</c> for the first axis), variables initializers holding
/// their current values, outputs named. <see cref="Import(string)"/> reads such a model back as ordinary
/// <see cref="Expr"/>: inputs as placeholders, initializers as variables. docs/onnx.md lists the ops.
/// </summary>
public static class Onnx
{
    /// <summary>The ONNX opset that exported models declare.</summary>
    public const int Opset = 17;

    /// <summary>Exports <paramref name="outputs"/> (named output, or output0, output1, …) with variables at their initial values.</summary>
    public static void Export(string path, IReadOnlyList<Expr> outputs, IReadOnlyList<Expr> inputs) =>
        Export(path, outputs, DefaultNames(outputs), inputs, v => v.InitialValue);

    /// <summary>Exports <paramref name="outputs"/> with each variable's current value in <paramref name="session"/>.</summary>
    public static void Export(string path, IReadOnlyList<Expr> outputs, IReadOnlyList<Expr> inputs, Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Export(path, outputs, DefaultNames(outputs), inputs, session.GetValue);
    }

    /// <summary>Exports <paramref name="outputs"/> with each variable's value in <paramref name="store"/>.</summary>
    public static void Export(string path, IReadOnlyList<Expr> outputs, IReadOnlyList<Expr> inputs, VariableStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Export(path, outputs, DefaultNames(outputs), inputs, store.Get);
    }

    /// <summary>
    /// Exports <paramref name="outputs"/>, named by <paramref name="outputNames"/>, as functions of the placeholders
    /// <paramref name="inputs"/>; <paramref name="variableValue"/> gives each variable's value. The file is written
    /// beside <paramref name="path"/> and renamed over it, so an existing file is replaced whole or not at all. An op
    /// without an ONNX equivalent, or a gradient-only node, throws <see cref="FuncNetException"/> naming the op and
    /// the node before anything is written.
    /// </summary>
    public static void Export(string path, IReadOnlyList<Expr> outputs, IReadOnlyList<string> outputNames, IReadOnlyList<Expr> inputs, Func<Expr, Tensor> variableValue)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = ExportToBytes(outputs, outputNames, inputs, variableValue);
        AtomicFile.Write(path, bytes, "Onnx.Export");
    }

    /// <summary>The bytes of the ONNX model that <see cref="Export(string, IReadOnlyList{Expr}, IReadOnlyList{string}, IReadOnlyList{Expr}, Func{Expr, Tensor})"/> would write.</summary>
    public static byte[] ExportToBytes(IReadOnlyList<Expr> outputs, IReadOnlyList<string> outputNames, IReadOnlyList<Expr> inputs, Func<Expr, Tensor> variableValue)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(outputNames);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(variableValue);
        return OnnxExporter.Build(outputs, outputNames, inputs, variableValue).ToByteArray();
    }

    /// <summary>
    /// Reads an ONNX model as FuncNet expressions. A file that is truncated or malformed throws
    /// <see cref="CorruptFileException"/>; an op FuncNet does not import throws <see cref="FuncNetException"/>
    /// naming the op, its domain and the opset; a declared input shape that contradicts its initializer throws
    /// <see cref="ShapeException"/> naming both.
    /// </summary>
    public static OnnxGraph Import(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return OnnxImporter.Import(OnnxFile.Read(path), path);
    }

    /// <summary>Reads an ONNX model from its bytes; <paramref name="source"/> names it in errors.</summary>
    public static OnnxGraph Import(byte[] model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        return OnnxImporter.Import(model, source);
    }

    private static string[] DefaultNames(IReadOnlyList<Expr> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return outputs.Count == 1 ? ["output"] : outputs.Select((_, i) => $"output{i}").ToArray();
    }
}
