using FuncNet.Data;
using FuncNet.Cli.FashionMnist;

namespace FuncNet.Cli.Tests;

/// <summary>A fact that needs the installed Fashion-MNIST files; skipped, with the reason shown, when they are absent.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (!Data.FashionMnist.IsPresent(Data.FashionMnist.DefaultDirectory))
        {
            Skip = $"Fashion-MNIST is not installed in {Data.FashionMnist.DefaultDirectory}: run `sudo bash scripts/setup-native.sh` (Debian package dataset-fashion-mnist).";
        }
    }
}
