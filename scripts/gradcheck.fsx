// A gradient check written with FsCheck inside a script: for random points and shapes, the symbolic gradient
// of Σ f(x) through each LINQ query form agrees with central differences.
#r "nuget: FsCheck, 3.6.0"
#r "../src/FuncNet.Linq/bin/Debug/net10.0/FuncNet.Core.dll"
#r "../src/FuncNet.Linq/bin/Debug/net10.0/FuncNet.Linq.dll"

open System
open FsCheck
open FsCheck.FSharp
open FuncNet
open FuncNet.Linq
open type FuncNet.Ops

let tensor (values: float[]) (dims: int[]) = Tensor.Create(Shape dims, ReadOnlySpan values)

/// True when the symbolic and numerical gradients of Σ f(x) agree at the point.
let gradientAgrees (f: Expr -> Expr) (point: Tensor) =
    let x = Expr.Placeholder("x", point.Shape)
    let y = ReduceSum(f x)
    let symbolic = (Gradient(y, x)).Eval [ (x, point) ]
    use plan = Plan.Compile [| y |]
    let values = point.ToDoubleArray()
    let at i v =
        let copy = Array.copy values
        copy.[i] <- v
        (plan.Run(readOnlyDict [ (x, tensor copy (point.Shape.ToArray())) ])).[0].ToScalar()
    let h = 1e-6
    let numeric = Array.init values.Length (fun i -> (at i (values.[i] + h) - at i (values.[i] - h)) / (2.0 * h))
    symbolic.AllClose(tensor numeric (point.Shape.ToArray()), 1e-5, 1e-5)

/// Points: 1–3 rows of 3 elements in [-2, 2], on a grid of 0.001 (so the Where threshold 0.3005 is never within
/// a finite-difference step of a point: the masked sum jumps there).
let points =
    gen {
        let! rows = Gen.choose (1, 3)
        let! values = Gen.arrayOfLength (rows * 3) (Gen.choose (-2000, 2000) |> Gen.map (fun v -> float v / 1000.0))
        return tensor values [| rows; 3 |]
    }
    |> Arb.fromGen

let w = Expr.Constant(tensor [| 0.5; -1.0; 0.25; 2.0; -0.75; 1.5 |] [| 3; 2 |])
let forms: (string * (Expr -> Expr)) list =
    [ "Select", (fun x -> x.Select(fun a -> Sigmoid a * a))
      "Zip", (fun x -> x.Zip(ReduceMean(x, 0), fun a b -> Tanh(a - b) * a))
      "SelectMany", (fun x -> x.SelectMany((fun _ -> Expr.Constant(tensor [| 1.0; -2.0 |] [| 2 |])), fun a b -> Exp(a * b / 4.0)))
      "Where", (fun x -> x.Where(fun a -> Greater(a, 0.3005)).Sum() + x.Where(fun a -> Less(a, 10.0)).Average())
      "Rows", (fun x -> x.MapRows(fun row -> LogSoftmax(MatMul(row, w)))) ]

let config = Config.QuickThrowOnFailure.WithMaxTest(25)
let mutable failed = false
for name, f in forms do
    try
        Check.One(config, Prop.forAll points (gradientAgrees f))
        printfn "gradcheck %s: ok" name
    with e ->
        eprintfn "gradcheck %s FAILED: %s" name e.Message
        failed <- true
if failed then exit 1
