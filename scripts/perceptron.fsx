// The perceptron chapter in F#: softmax regression on TensorSlow's 100 points, trained by gradient descent
// written functionally (weights are Tensors fed to placeholders; each step maps weights to new weights), and
// checked against TensorSlow's final loss. Run from the repository root: dotnet fsi --quiet scripts/perceptron.fsx
#r "../src/FuncNet.FSharp/bin/Debug/net10.0/FuncNet.Core.dll"
#r "../src/FuncNet.FSharp/bin/Debug/net10.0/FuncNet.Linq.dll"
#r "../src/FuncNet.FSharp/bin/Debug/net10.0/FuncNet.FSharp.dll"

#load "lib/Fixtures.fsx"

open FuncNet
open FuncNet.FSharp
open type FuncNet.Ops
open Fixtures

let fixture = loadFixture "tensorslow/perceptron_seed0.json"
let matrix = tensorOf fixture
let vector = tensorOf fixture

let X = Expr.Placeholder("X", -1, 2)
let c = Expr.Placeholder("c", -1, 2)
let W = Expr.Placeholder("W", 2, 2)
let b = Expr.Placeholder("b", 2)
let p = Softmax(MatMul(X, W) + b)
let J = -ReduceSum(c * Log p)
let grads = Gradients(J, W, b)
let plan = Plan.compile (J :: List.ofArray grads)

let rate = fixture.GetProperty("learning_rate").GetDouble()
let data = [ X, matrix "X"; c, matrix "c" ]
let run (w: Tensor, bias: Tensor) = plan |> Plan.run (data @ [ W, w; b, bias ])
// Eager arithmetic on values: the update is written as it reads.
let descend (t: Tensor) (g: Tensor) = t - rate * g
let step (w, bias) =
    let r = run (w, bias)
    descend w r.[1], descend bias r.[2]

let final = Seq.fold (fun state _ -> step state) (matrix "W0", vector "b0") [ 1 .. fixture.GetProperty("steps").GetInt32() ]
let loss = (run final).Head |> Tensor.toScalar
let expected = fixture.GetProperty("loss_after_100").GetDouble()
printfn "perceptron: loss after 100 steps %.12f (TensorSlow %.12f)" loss expected
if abs (loss - expected) > 1e-9 then
    eprintfn "FAILED: the loss differs from TensorSlow's"
    exit 1
