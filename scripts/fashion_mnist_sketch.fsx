// A Fashion-MNIST-sized training loop sketch: a 784-64-10 MLP written as one model query, trained for a few
// mini-batch steps on random data of Fashion-MNIST's shapes (the Reference backend is an oracle, not fast,
// so the batch is small). Training is a fold over batches; the script asserts that the loss decreases.
#r "../src/FuncNet.Linq/bin/Debug/net10.0/FuncNet.Core.dll"
#r "../src/FuncNet.Linq/bin/Debug/net10.0/FuncNet.Linq.dll"

open System
open FuncNet
open FuncNet.Linq
open type FuncNet.Ops

let batch, pixels, hiddenUnits, classes = 8, 784, 64, 10
let x = Expr.Placeholder("images", -1, pixels)
let labels = Expr.Placeholder("labels", -1, classes)

let model =
    (Param.Glorot("w1", pixels, hiddenUnits))
        .SelectMany((fun _ -> Param.Zeros("b1", hiddenUnits)), fun w1 b1 -> (w1, b1))
        .SelectMany((fun _ -> Param.Glorot("w2", hiddenUnits, classes)), fun (w1, b1) w2 -> (w1, b1, w2))
        .SelectMany((fun _ -> Param.Zeros("b2", classes)), fun (w1, b1, w2) b2 ->
            let logits = MatMul(Relu(MatMul(x, w1) + b1), w2) + b2
            ReduceMean(SoftmaxCrossEntropyWithLogits(labels, logits)))
let built = model.Build 0
let loss = built.Value
let grads = Gradients(loss, Array.ofSeq built.Variables)
let plan = Plan.Compile [| yield loss; yield! grads |]

// Random images in [0, 1) and labels, one fixed set of batches so that the loss has something to learn.
let random = Random 0
let makeBatch _ =
    let images = Tensor.Create(Shape.Of(batch, pixels), ReadOnlySpan(Array.init (batch * pixels) (fun _ -> random.NextDouble())))
    let oneHot = Array.zeroCreate (batch * classes)
    for i in 0 .. batch - 1 do oneHot.[i * classes + random.Next classes] <- 1.0
    images, Tensor.Create(Shape.Of(batch, classes), ReadOnlySpan oneHot)
let batches = List.init 2 makeBatch

let rate = 0.1
let run weights (images, targets) =
    plan.Run(readOnlyDict ([ x, images; labels, targets ] @ List.zip (List.ofSeq built.Variables) weights))
let update (weights: Tensor list) (grads: Tensor[]) =
    weights |> List.mapi (fun i w -> Tensor.Create(w.Shape, ReadOnlySpan(Array.map2 (fun a g -> a - rate * g) (w.ToDoubleArray()) (grads.[i + 1].ToDoubleArray()))))
let meanLoss weights = batches |> List.averageBy (fun b -> (run weights b).[0].ToScalar())

let initial = built.Variables |> Seq.map (fun v -> v.InitialValue) |> List.ofSeq
let before = meanLoss initial
// Three epochs over the batches, as a fold: each step maps the weights to new weights.
let trained = Seq.fold (fun w b -> update w (run w b)) initial (Seq.replicate 3 batches |> Seq.concat)
let after = meanLoss trained
printfn "fashion-mnist sketch: mean loss %.4f -> %.4f" before after
if not (after < before) then
    eprintfn "FAILED: the loss did not decrease"
    exit 1
