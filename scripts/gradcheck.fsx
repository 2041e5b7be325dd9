// A gradient check written with FsCheck inside a script, with FuncNet.Testing: for random points and shapes
// from its generators, GradCheck compares the symbolic gradient of Σ f(x) through each LINQ query form with
// central differences in Float64, and a deliberately wrong gradient must be caught.
#r "nuget: FsCheck, 3.6.0"
#r "../src/FuncNet.Testing/bin/Debug/net10.0/FuncNet.Core.dll"
#r "../src/FuncNet.FSharp/bin/Debug/net10.0/FuncNet.Linq.dll"
#r "../src/FuncNet.Testing/bin/Debug/net10.0/FuncNet.Testing.dll"

open System
open FsCheck
open FsCheck.FSharp
open FuncNet
open FuncNet.Linq
open FuncNet.Testing
open type FuncNet.Ops

let tensor (values: float[]) (dims: int[]) = Tensor.Create(Shape dims, ReadOnlySpan values)

/// 1–3 rows of 3 elements in [-2, 2], kept 0.01 away from the Where threshold 0.3005 (the masked sum jumps there).
let points = TensorGen.TensorArbitrary(Gen.choose (1, 3) |> Gen.map (fun rows -> Shape.Of(rows, 3)), -2.0, 2.0, [ 0.3005 ], 0.01)

let w = Expr.Constant(tensor [| 0.5; -1.0; 0.25; 2.0; -0.75; 1.5 |] [| 3; 2 |])
let forms: (string * (Expr -> Expr)) list =
    [ "Select", (fun x -> x.Select(fun a -> Sigmoid a * a))
      "Zip", (fun x -> x.Zip(ReduceMean(x, 0), fun a b -> Tanh(a - b) * a))
      "SelectMany", (fun x -> x.SelectMany((fun _ -> Expr.Constant(tensor [| 1.0; -2.0 |] [| 2 |])), fun a b -> Exp(a * b / 4.0)))
      "Where", (fun x -> x.Where(fun a -> Greater(a, 0.3005)).Sum() + x.Where(fun a -> Less(a, 10.0)).Average())
      "Rows", (fun x -> x.MapRows(fun row -> LogSoftmax(MatMul(row, w)))) ]

let gradientAgrees (f: Expr -> Expr) (point: Tensor) =
    GradCheck.Gradients((fun (xs: Expr[]) -> ReduceSum(f xs.[0])), point).ThrowIfFailed()

let config = Config.QuickThrowOnFailure.WithMaxTest(25)
let mutable failed = false
for name, f in forms do
    try
        Check.One(config, Prop.forAll points (gradientAgrees f))
        printfn "gradcheck %s: ok" name
    with e ->
        eprintfn "gradcheck %s FAILED: %s" name e.Message
        failed <- true

// The check must be able to fail: a gradient of Σ exp(x) that is off by 1% is reported.
let wrong = GradCheck.Gradients((fun (xs: Expr[]) -> ReduceSum(Exp xs.[0])), (fun y xs -> [| Gradient(y, xs.[0]) * 1.01 |]), tensor [| 0.5; 1.5 |] [| 2 |])
if wrong.Passed then
    eprintfn "gradcheck FAILED to catch a wrong gradient"
    failed <- true
else
    printfn "gradcheck catches a wrong gradient: %s" (wrong.Inputs.[0].ToString())
if failed then exit 1
