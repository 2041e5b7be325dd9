namespace FuncNet.Cli.Tutorial;

/// <summary>What a chapter's training produced: the loss before each step, the final variable values by name, and the final training accuracy.</summary>
internal sealed record TrainingRun(IReadOnlyList<double> LossBeforeStep, IReadOnlyDictionary<string, Tensor> Final, double Accuracy, double FinalLoss);
