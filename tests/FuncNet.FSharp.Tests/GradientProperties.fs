/// Property-based gradient checks written in F#: symbolic gradients agree with central differences.
module FuncNet.FSharp.Tests.GradientProperties

open System
open FsCheck.Xunit
open Xunit
open FuncNet
open FuncNet.Linq
open FuncNet.Testing
open type FuncNet.Ops

let private random (seed: int) (dims: int list) =
    let r = Random seed
    let shape = Shape(Array.ofList dims)
    Tensor.Create(shape, ReadOnlySpan(Array.init shape.Size (fun _ -> r.NextDouble() * 4.0 - 2.0)))

/// Σ f(x) differentiated symbolically against central differences, with FuncNet.Testing's GradCheck.
let private checkGradient (f: Expr -> Expr) (point: Tensor) =
    GradCheck.Gradients((fun (xs: Expr[]) -> ReduceSum(f xs.[0])), point).ThrowIfFailed()

let private dim n = 1 + abs (n % 3)

[<Property(MaxTest = 15)>]
let ``gradient through an elementwise Select`` (seed: int) (n: int) =
    checkGradient (fun x -> x.Select(fun a -> Sigmoid a * a + Exp(-(a * a)))) (random seed [ dim n; 2 ])

[<Property(MaxTest = 15)>]
let ``gradient through Zip with a broadcast partner`` (seed: int) (n: int) =
    let w = Expr.Constant(random (seed + 1) [ 3 ])
    checkGradient (fun x -> x.Zip(w, fun a b -> a * Tanh b + 0.5 * a * a)) (random seed [ dim n; 3 ])

[<Property(MaxTest = 15)>]
let ``gradient through SelectMany (outer product)`` (seed: int) (n: int) =
    let w = Expr.Constant(random (seed + 1) [ 2 ])
    checkGradient (fun x -> x.SelectMany((fun _ -> w), fun a b -> Sigmoid(a - b))) (random seed [ dim n ])

[<Property(MaxTest = 15)>]
let ``gradient through Where aggregates`` (seed: int) (n: int) =
    checkGradient (fun x -> x.Where(fun a -> Greater(a, 0.1)).Sum() + x.Where(fun a -> Less(a, 5.0)).Average()) (random seed [ dim n; 3 ])

[<Property(MaxTest = 15)>]
let ``gradient through Rows (vmap)`` (seed: int) (n: int) =
    let w = Expr.Constant(random (seed + 1) [ 3; 2 ])
    checkGradient (fun x -> x.MapRows(fun row -> LogSoftmax(MatMul(row, w)) * ReduceMean row)) (random seed [ dim n; 3 ])
