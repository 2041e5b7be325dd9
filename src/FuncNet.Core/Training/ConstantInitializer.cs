namespace FuncNet;

/// <summary>Every element the same value (zeros for biases).</summary>
public sealed class ConstantInitializer : Initializer
{
    /// <summary>An initializer filling with <paramref name="value"/>.</summary>
    public ConstantInitializer(double value)
    {
        Value = value;
    }

    /// <summary>The fill value.</summary>
    public double Value { get; }

    /// <inheritdoc />
    public override Tensor Create(Shape shape, DType dtype) => Tensor.Filled(shape, dtype, Value);
}
