using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using FuncNet.Testing;
using FuncNet.Tests.Support;

namespace FuncNet.Tests.Differentiation;

/// <summary>
/// Reverse mode, forward mode and Hessian–vector products of random smooth programs against finite
/// differences (Theano's verify_grad recipe: random projection, fail only when both absolute and relative
/// error exceed 1e-4).
/// </summary>
public class GradientPropertyTests
{
    [Property(MaxTest = 60)]
    public Property SymbolicGradientMatchesCentralDifferences() =>
        Prop.ForAll(RandomExpr.Programs(ExprDomain.Smooth), p => DerivativeChecks.VerifyGrad(p.Build(), new Random(p.Seed), context: p.ToString()));

    [Property(MaxTest = 40)]
    public Property JvpMatchesDirectionalDifference() =>
        Prop.ForAll(RandomExpr.Programs(ExprDomain.Smooth), p => DerivativeChecks.VerifyJvp(p.Build(), new Random(p.Seed), context: p.ToString()));

    [Property(MaxTest = 30)]
    public Property HvpMatchesDifferenceOfGradients() =>
        Prop.ForAll(RandomExpr.Programs(ExprDomain.Smooth), p => DerivativeChecks.VerifyHvp(p.Build(), new Random(p.Seed), context: p.ToString()));

    /// <summary>The generator itself: programs of the Any domain build and evaluate, and use shared nodes.</summary>
    [Property(MaxTest = 30)]
    public Property AnyDomainProgramsBuildAndEvaluate() =>
        Prop.ForAll(RandomExpr.Programs(ExprDomain.Any), p =>
        {
            var e = p.Build();
            var value = e.Output.Eval(e.Feeds);
            Assert.Equal(e.Output.Shape, value.Shape);
            Assert.True(value.Size <= RandomExpr.MaxElements * 3);
        });
}
