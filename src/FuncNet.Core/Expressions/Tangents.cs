namespace FuncNet.Expressions;

/// <summary>Arithmetic on optional tangents and gradients, where null means zero.</summary>
internal static class Tangents
{
    public static Expr? Add(Expr? a, Expr? b) => a is null ? b : b is null ? a : a + b;
}
