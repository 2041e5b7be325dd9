namespace FuncNet.Cli.Tutorial;

/// <summary>What a chapter's training produced: the loss before each step, the final variable values by name, and the final training accuracy.</summary>
internal sealed record TrainingRun(IReadOnlyList<double> LossBeforeStep, IReadOnlyDictionary<string, Tensor> Final, double Accuracy, double FinalLoss)
{
    /// <summary>
    /// The curriculum's full-batch loop: minimizes the summed cross-entropy of <paramref name="probabilities"/>
    /// against the labels by gradient descent for <paramref name="steps"/> steps, then reports the named
    /// variables, the accuracy and the final loss. Returns the session too, for chapters that evaluate more.
    /// </summary>
    public static (TrainingRun Run, Session Session) GradientDescent(
        Expr probabilities, Expr labels, IReadOnlyDictionary<Expr, Tensor> feeds, IReadOnlyDictionary<string, Expr> variables,
        double learningRate, int steps, IBackend backend, Action<int, double>? onStep)
    {
        var j = Losses.CategoricalCrossEntropy(labels, probabilities, Reduction.Sum);
        var step = new GradientDescentOptimizer(learningRate).Minimize(j);
        var session = new Session(backend);
        var losses = new List<double>(steps);
        for (var i = 0; i < steps; i++)
        {
            losses.Add(session.Run(step, feeds).ToScalar());
            onStep?.Invoke(i, losses[^1]);
        }
        var final = session.Run([j, Losses.Accuracy(labels, probabilities)], feeds);
        var values = variables.ToDictionary(v => v.Key, v => session.GetValue(v.Value));
        return (new TrainingRun(losses, values, final[1].ToScalar(), final[0].ToScalar()), session);
    }
}
