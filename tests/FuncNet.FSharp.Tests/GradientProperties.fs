/// Property-based gradient checks written in F#: symbolic gradients agree with central differences.
module FuncNet.FSharp.Tests.GradientProperties

open System
open FsCheck.Xunit
open Xunit
open FuncNet
open FuncNet.Linq
open type FuncNet.Ops

let private random (seed: int) (dims: int list) =
    let r = Random seed
    let shape = Shape(Array.ofList dims)
    Tensor.Create(shape, ReadOnlySpan(Array.init shape.Size (fun _ -> r.NextDouble() * 4.0 - 2.0)))

/// Σ f(x) differentiated symbolically and by central differences at the point.
let private checkGradient (f: Expr -> Expr) (point: Tensor) =
    let x = Expr.Placeholder("x", point.Shape)
    let y = ReduceSum(f x)
    let symbolic = (Gradient(y, x)).Eval [ x, point ]
    use plan = Plan.Compile [| y |]
    let values = point.ToDoubleArray()
    let h = 1e-6
    let at i v =
        let copy = Array.copy values
        copy.[i] <- v
        (plan.Run(readOnlyDict [ x, Tensor.Create(point.Shape, ReadOnlySpan copy) ])).[0].ToScalar()
    let numeric = Array.init values.Length (fun i -> (at i (values.[i] + h) - at i (values.[i] - h)) / (2.0 * h))
    let expected = Tensor.Create(point.Shape, ReadOnlySpan numeric)
    Assert.True(symbolic.AllClose(expected, 1e-5, 1e-5), sprintf "max abs diff %g" (expected.MaxAbsDifference symbolic))

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
