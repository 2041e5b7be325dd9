using FuncNet.Data;
using FuncNet.Cli.FashionMnist;

namespace FuncNet.Cli.Tests;

/// <summary>
/// A fact that launches Open MPI's mpirun; skipped with the reason shown where Open MPI is absent, unless
/// FUNCNET_REQUIRE_MPI=1. With <c>fashionMnist: true</c> it also needs the installed data set.
/// </summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute() : this(false) { }

    public MpiFactAttribute(bool fashionMnist)
    {
        Skip = MpiRunner.SkipReason()
            ?? (fashionMnist && !Data.FashionMnist.IsPresent(Data.FashionMnist.DefaultDirectory)
                ? $"Fashion-MNIST is not installed in {Data.FashionMnist.DefaultDirectory}: run `sudo bash scripts/setup-native.sh`."
                : null);
    }
}

/// <summary>A theory that launches Open MPI's mpirun; skipped like <see cref="MpiFactAttribute"/>.</summary>
public sealed class MpiTheoryAttribute : TheoryAttribute
{
    public MpiTheoryAttribute() { Skip = MpiRunner.SkipReason(); }
}
