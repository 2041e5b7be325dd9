namespace FuncNet.FSharp

open System
open FuncNet
open MathNet.Numerics.LinearAlgebra

/// Curried functions over FuncNet's Tensor values (the same type; no second implementation):
/// `Tensor.ofArray2D (array2D [ [ 1.0; 2.0 ] ]) |> Tensor.toArray`.
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Tensor =
    /// A Float64 vector from an array (copied).
    let ofArray (values: float[]) : Tensor = FuncNet.Tensor.FromArray values

    /// A Float32 vector from an array (copied).
    let ofArray32 (values: float32[]) : Tensor = FuncNet.Tensor.FromArray values

    /// A Float64 vector from a list.
    let ofList (values: float list) : Tensor = FuncNet.Tensor.FromArray(Array.ofList values)

    /// A Float64 matrix from a 2-D array (copied, row-major: element [i, j] stays [i, j]).
    let ofArray2D (values: float[,]) : Tensor = FuncNet.Tensor.FromArray values

    /// A Float32 matrix from a 2-D array.
    let ofArray2D32 (values: float32[,]) : Tensor = FuncNet.Tensor.FromArray values

    /// A Float64 tensor of the given dimensions from flat row-major values.
    let create (dims: int list) (values: float[]) : Tensor = FuncNet.Tensor.Create(Shape(Array.ofList dims), ReadOnlySpan values)

    /// A Float64 scalar.
    let scalar (value: float) : Tensor = FuncNet.Tensor.Scalar value

    /// Float64 zeros of the given dimensions.
    let zeros (dims: int list) : Tensor = FuncNet.Tensor.Zeros(Shape(Array.ofList dims))

    /// The elements as a flat row-major Float64 array.
    let toArray (t: Tensor) : float[] = t.ToDoubleArray()

    /// A rank-2 tensor as a 2-D Float64 array.
    let toArray2D (t: Tensor) : float[,] = t.ToArray2D()

    /// The single element of a one-element tensor.
    let toScalar (t: Tensor) : float = t.ToScalar()

    /// The dimensions as a list.
    let dims (t: Tensor) : int list = List.ofSeq t.Shape

    /// The matrix product, evaluated now: `a |> Tensor.matmul b` is a·b.
    let matmul (b: Tensor) (a: Tensor) : Tensor = FuncNet.Tensor.MatMul(a, b)

    /// A Float64 tensor from a MathNet matrix (copied; element (i, j) stays [i, j]).
    let ofMatrix (m: Matrix<float>) : Tensor = MathNetInterop.ToTensor m

    /// A new MathNet Matrix<float> from a rank-2 tensor.
    let toMatrix (t: Tensor) : Matrix<float> = MathNetInterop.ToMatrix t

    /// A Float64 tensor from a MathNet vector (copied).
    let ofVector (v: Vector<float>) : Tensor = MathNetInterop.ToTensor v

    /// A new MathNet Vector<float> from a rank-1 tensor.
    let toVector (t: Tensor) : Vector<float> = MathNetInterop.ToVector t
