// The multi-layer perceptron chapter in F#: a 2-2-2 sigmoid/softmax network on TensorSlow's XOR-like data,
// with its parameters as Expr.Variable nodes, gradients from Ops.Gradients, and 1000 steps of gradient
// descent as a fold (each step feeds the current weights to the variables). Checks TensorSlow's final loss.
#r "../src/FuncNet.FSharp/bin/Debug/net10.0/FuncNet.Core.dll"
#r "../src/FuncNet.FSharp/bin/Debug/net10.0/FuncNet.Linq.dll"
#r "../src/FuncNet.FSharp/bin/Debug/net10.0/FuncNet.FSharp.dll"

#load "lib/Fixtures.fsx"

open FuncNet
open FuncNet.FSharp
open type FuncNet.Ops
open Fixtures

let fixture = loadFixture "tensorslow/mlp_seed0.json"
let tensor = tensorOf fixture

let X = Expr.Placeholder("X", -1, 2)
let c = Expr.Placeholder("c", -1, 2)
let names = [ "W_hidden"; "b_hidden"; "W_output"; "b_output" ]
let variables = names |> List.map (fun n -> Expr.Variable(n, tensor (n + "0")))
let wHidden, bHidden, wOutput, bOutput = variables.[0], variables.[1], variables.[2], variables.[3]
let hidden = Sigmoid(MatMul(X, wHidden) + bHidden)
let p = Softmax(MatMul(hidden, wOutput) + bOutput)
let J = -ReduceSum(c * Log p)
let grads = Gradients(J, Array.ofList variables)
let plan = Plan.compile (J :: List.ofArray grads)

let rate = fixture.GetProperty("learning_rate").GetDouble()
let data = [ X, tensor "X"; c, tensor "c" ]
let run weights = plan |> Plan.run (data @ List.zip variables weights)
// Eager arithmetic on values: the update is written as it reads.
let descend (t: Tensor) (g: Tensor) = t - rate * g
let step weights =
    let r = run weights
    List.mapi (fun i w -> descend w r.[i + 1]) weights

let initial = variables |> List.map (fun v -> v.InitialValue)
let final = Seq.fold (fun w _ -> step w) initial [ 1 .. fixture.GetProperty("steps").GetInt32() ]
let loss = (run final).Head |> Tensor.toScalar
let expected = fixture.GetProperty("loss_after_1000").GetDouble()
printfn "mlp: loss after 1000 steps %.12f (TensorSlow %.12f)" loss expected
if abs (loss - expected) > 1e-7 then
    eprintfn "FAILED: the loss differs from TensorSlow's"
    exit 1
