namespace FuncNet.Testing;

/// <summary>
/// A placeholder's shape with an unknown leading (batch) dimension, and a concrete shape that fits it: what
/// <see cref="ShapeGen.BatchedShapes"/> generates for properties over batch sizes.
/// </summary>
/// <param name="Declared">The placeholder's shape: −1 first, then known dimensions.</param>
/// <param name="Actual">The fed value's shape: a batch size first, then the same dimensions.</param>
public sealed record BatchedShape(Shape Declared, Shape Actual);
