namespace FuncNet.Testing;

/// <summary>Which ops a random program may use.</summary>
public enum ExprDomain
{
    /// <summary>
    /// Only ops that are smooth at every point the program can reach, with domain-restricted ops guarded
    /// (Log and Sqrt of Square + ε, division by Square + ε, Exp of a Tanh): fit for finite-difference checks.
    /// </summary>
    Smooth,

    /// <summary>Everything, kinks and comparisons included: fit for value comparisons (rewrites, backends).</summary>
    Any,
}
