// The consumer check's console app (scripts/consumer-check.sh copies it into a fresh project that references
// the FuncNet package from the local feed): trains a small classifier as a user would and fails unless the
// loss fell and a fast backend ran it.
using FuncNet;
using FuncNet.Layers;
using static FuncNet.Ops;

// Two classes in an XOR layout: the label is whether the point's coordinates have the same sign.
var random = new Random(0);
const int n = 256;
var points = new double[n, 2];
var labels = new double[n, 2];
for (var i = 0; i < n; i++)
{
    points[i, 0] = random.NextDouble() * 2 - 1;
    points[i, 1] = random.NextDouble() * 2 - 1;
    labels[i, points[i, 0] * points[i, 1] > 0 ? 0 : 1] = 1;
}

var x = Expr.Placeholder("x", -1, 2);
var y = Expr.Placeholder("y", -1, 2);
var logits = new Sequential(new Dense(16, Tanh), new Dense(2)).Apply(x);
var loss = Losses.CategoricalCrossEntropyFromLogits(y, logits, Reduction.Mean);
var step = new AdamOptimizer(0.05).Minimize(loss);
using var session = new Session();

var feeds = new[] { (x, Tensor.FromArray(points)), (y, Tensor.FromArray(labels)) };
var first = session.Run(step, feeds).ToScalar();
var last = first;
for (var epoch = 1; epoch < 300; epoch++)
{
    last = session.Run(step, feeds).ToScalar();
}
var accuracy = session.Run(Losses.Accuracy(y, logits), feeds).ToScalar();

Console.WriteLine($"backend {session.Backend.Name}: loss {first:F4} -> {last:F4}, accuracy {accuracy:P0}");
if (session.Backend.Name == Backend.Reference.Name)
{
    Console.Error.WriteLine("FAIL: the FuncNet package ran on the Reference backend; FuncNet.Backends was not found");
    return 1;
}
if (!(last < 0.5 * first))
{
    Console.Error.WriteLine($"FAIL: the loss did not fall by half ({first} -> {last})");
    return 1;
}
// The meta-package brings ONNX too: the trained model as a file, read back as an expression of the same shape.
var onnx = Path.Combine(Path.GetTempPath(), $"consumer-{Environment.ProcessId}.onnx");
Onnx.Export(onnx, [Softmax(logits)], [x], session);
var imported = Onnx.Import(onnx);
File.Delete(onnx);
if (imported.Outputs[0].Shape != Softmax(logits).Shape)
{
    Console.Error.WriteLine($"FAIL: the ONNX model read back has output shape {imported.Outputs[0].Shape}; expected {Softmax(logits).Shape}");
    return 1;
}
return 0;
