namespace FuncNet;

/// <summary>
/// What an ONNX value is while a model is imported. Most are tensors; ONNX also has booleans and shape tensors,
/// which FuncNet has no dtype for, so they are kept as what they mean until an op turns them back into a tensor
/// (a Cast of a comparison, a Where, an Expand to a runtime shape, an element count).
/// </summary>
internal abstract record ImportValue;

/// <summary>An ordinary tensor.</summary>
internal sealed record TensorValue(Expr Expr) : ImportValue;

/// <summary>
/// A boolean tensor: true where <paramref name="Truth"/> is non-zero. <paramref name="ZeroOne"/> says that Truth
/// holds only 0 and 1 (a comparison's result), so it is already the 0/1 tensor a cast to a number gives.
/// </summary>
internal sealed record BoolValue(Expr Truth, bool ZeroOne) : ImportValue;

/// <summary>The runtime shape of <paramref name="Of"/> along <paramref name="Axes"/> (ONNX Shape, then Gather).</summary>
internal sealed record ShapeValue(Expr Of, int[] Axes) : ImportValue;

/// <summary>The element count of <paramref name="Of"/> over <paramref name="Axes"/> (ReduceProd of a shape), as INT64.</summary>
internal sealed record SizeValue(Expr Of, int[] Axes) : ImportValue;
