namespace FuncNet.FSharp

open System
open FuncNet
open FuncNet.Linq

/// Parameter declarations with dimensions as lists, for `model { }`: `let! w = Param.glorot "w" [ 784; 256 ]`.
/// They are FuncNet.Linq's parameter queries (Param<T>), so F# and LINQ models are the same models.
[<RequireQualifiedAccess>]
module Param =
    let private shapeOf (dims: int list) = Shape(Array.ofList dims)

    /// A Float64 [fanIn; fanOut] weight matrix with Glorot (Xavier) uniform values.
    let glorot (name: string) (dims: int list) : Param<Expr> =
        match dims with
        | [ fanIn; fanOut ] -> FuncNet.Linq.Param.Glorot(name, fanIn, fanOut)
        | _ ->
            raise (ShapeException(sprintf "Param.glorot '%s': expected two dimensions [fanIn; fanOut]; given %A." name dims))

    /// A Float64 parameter drawn from the standard normal distribution.
    let normal (name: string) (dims: int list) : Param<Expr> = FuncNet.Linq.Param.Normal(name, Array.ofList dims)

    /// A parameter drawn from the normal distribution with the given mean and standard deviation.
    let normalWith (mean: float) (stddev: float) (name: string) (dims: int list) : Param<Expr> =
        FuncNet.Linq.Param.Normal(name, shapeOf dims, mean, stddev, DType.Float64)

    /// A Float64 parameter drawn uniformly from [low, high).
    let uniform (low: float) (high: float) (name: string) (dims: int list) : Param<Expr> =
        FuncNet.Linq.Param.Uniform(name, shapeOf dims, low, high, DType.Float64)

    /// A Float64 parameter of zeros (biases).
    let zeros (name: string) (dims: int list) : Param<Expr> = FuncNet.Linq.Param.Zeros(name, Array.ofList dims)

/// The `model { }` builder: `let!` declares a parameter, `return` says what the model builds. Nothing is
/// created until `Model.build`; the same seed gives the same initial values.
type ModelBuilder() =
    /// Declares a parameter and continues with it.
    member _.Bind(declaration: Param<'T>, rest: 'T -> Param<'U>) : Param<'U> = declaration.SelectMany(Func<'T, Param<'U>> rest)

    /// What the model builds.
    member _.Return(value: 'T) : Param<'T> = FuncNet.Linq.Param.Return value

    /// A whole sub-model.
    member _.ReturnFrom(declaration: Param<'T>) : Param<'T> = declaration

/// Building models.
[<RequireQualifiedAccess>]
module Model =
    /// Builds a model: one variable per declared parameter, initialized from the seed.
    let build (seed: int) (m: Param<'T>) : BuiltModel<'T> = m.Build seed

    /// The built model's parameters as a list, in declaration order.
    let variables (built: BuiltModel<'T>) : Expr list = List.ofSeq built.Variables

/// Opened with FuncNet.FSharp: the `model` computation expression.
[<AutoOpen>]
module ModelExpression =
    /// `model { let! w = Param.glorot "w" [ 784; 256 ] ... return ... }`.
    let model = ModelBuilder()
