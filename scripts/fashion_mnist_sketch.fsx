// A Fashion-MNIST-sized training loop sketch: a 784-64-10 MLP written as a model { } computation expression,
// trained for a few mini-batch steps on random data of Fashion-MNIST's shapes (the Reference backend is an
// oracle, not fast, so the batch is small). Training is a fold over batches (Train.fold); the script asserts
// that the loss decreases.
#r "../src/FuncNet.FSharp/bin/Debug/net10.0/FuncNet.Core.dll"
#r "../src/FuncNet.FSharp/bin/Debug/net10.0/FuncNet.Linq.dll"
#r "../src/FuncNet.FSharp/bin/Debug/net10.0/FuncNet.FSharp.dll"

open System
open FuncNet
open FuncNet.FSharp

let batch, pixels, hiddenUnits, classes = 8, 784, 64, 10
let x = Expr.placeholder "images" [ -1; pixels ]
let labels = Expr.placeholder "labels" [ -1; classes ]

let mlp =
    model {
        let! w1 = Param.glorot "w1" [ pixels; hiddenUnits ]
        let! b1 = Param.zeros "b1" [ hiddenUnits ]
        let! w2 = Param.glorot "w2" [ hiddenUnits; classes ]
        let! b2 = Param.zeros "b2" [ classes ]
        return
            x |> Expr.matmul w1 |> Expr.add b1 |> Expr.relu
              |> Expr.matmul w2 |> Expr.add b2
              |> Expr.softmaxCrossEntropy labels |> Expr.mean
    }
let built = mlp |> Model.build 0
let step = GradientDescentOptimizer(0.1).Minimize built.Value

// Random images in [0, 1) and labels, one fixed set of batches so that the loss has something to learn.
let random = Random 0
let makeBatch _ =
    let images = Tensor.create [ batch; pixels ] (Array.init (batch * pixels) (fun _ -> random.NextDouble()))
    let oneHot = Array.zeroCreate (batch * classes)
    for i in 0 .. batch - 1 do oneHot.[i * classes + random.Next classes] <- 1.0
    images, Tensor.create [ batch; classes ] oneHot
let batches = List.init 2 makeBatch
let feedsOf (images, targets) = [ x, images; labels, targets ]

use session = new Session()
let meanLoss () = batches |> List.averageBy (fun b -> session |> Session.run (feedsOf b) built.Value |> Tensor.toScalar)
let before = meanLoss ()
// Three epochs over the batches, as a fold: each batch is one step; the fold counts the steps taken.
let steps = Seq.replicate 3 batches |> Seq.concat |> Train.fold session step feedsOf (fun n _ -> n + 1) 0
let after = meanLoss ()
printfn "fashion-mnist sketch: %d steps, mean loss %.4f -> %.4f" steps before after
if not (after < before) then
    eprintfn "FAILED: the loss did not decrease"
    exit 1
