namespace FuncNet;

/// <summary>
/// Makes the initial value of a variable. Random initializers take an explicit seed, so the same seed and
/// shape always give the same tensor, on every machine. Build them with <see cref="Initializers"/>.
/// </summary>
public abstract class Initializer
{
    /// <summary>A new tensor of the given shape and dtype.</summary>
    public abstract Tensor Create(Shape shape, DType dtype);

    /// <summary>A new Float64 tensor of the given shape.</summary>
    public Tensor Create(Shape shape) => Create(shape, DType.Float64);

    /// <summary>A variable initialized by this initializer.</summary>
    public Expr Variable(string name, Shape shape, DType dtype) => Expr.Variable(name, Create(shape, dtype));

    /// <summary>A Float64 variable initialized by this initializer.</summary>
    public Expr Variable(string name, Shape shape) => Variable(name, shape, DType.Float64);

    /// <summary>(fan in, fan out) of a weight shape: a matrix [in, out]; a vector counts its length for both.</summary>
    protected static (int FanIn, int FanOut) Fans(Shape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return shape.Rank switch
        {
            0 => (1, 1),
            1 => (shape[0], shape[0]),
            _ => (shape.Take(shape.Rank - 1).Aggregate(1, (a, b) => a * b), shape[-1]),
        };
    }
}
