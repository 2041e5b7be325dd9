using System.CommandLine;
using System.Globalization;

namespace FuncNet.Cli.Commands;

/// <summary>
/// <c>funcnet checkpoint-stress PATH</c> (hidden): saves numbered versions of a large checkpoint to one path
/// forever, printing each version once it is on disk. The crash-safety test kills it mid-save and checks
/// that the path still holds one complete version.
/// </summary>
internal static class CheckpointStressCommand
{
    public static Command Create(TextWriter output)
    {
        var path = new Argument<string>("path") { Description = "The checkpoint file to overwrite again and again." };
        var megabytes = new Option<int>("--megabytes") { Description = "Approximate size of each version.", DefaultValueFactory = _ => 16 };
        var versions = new Option<int>("--versions") { Description = "Stop after this many versions (0: never).", DefaultValueFactory = _ => 0 };
        var command = new Command("checkpoint-stress", "Overwrite a checkpoint repeatedly (for crash-safety tests).") { path, megabytes, versions };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var target = parse.GetValue(path)!;
            var floats = Math.Max(1, parse.GetValue(megabytes)) * (1 << 20) / 4 / 2;
            var limit = parse.GetValue(versions);
            for (var v = 1; limit == 0 || v <= limit; v++)
            {
                // Two tensors and the metadata all carry the version, so a torn mix of versions would show.
                var tensors = new Dictionary<string, Tensor>
                {
                    ["a"] = Tensor.Filled(Shape.Of(floats), DType.Float32, v),
                    ["b"] = Tensor.Filled(Shape.Of(floats), DType.Float32, -v),
                };
                Checkpoint.Save(target, tensors, new Dictionary<string, string> { ["version"] = v.ToString(CultureInfo.InvariantCulture) });
                output.WriteLine(v.ToString(CultureInfo.InvariantCulture));
                output.Flush();
            }
            return 0;
        });
        return command;
    }
}
