// The consumer check's F# script: scripts/consumer-check.sh runs it with `dotnet fsi` after writing the
// local feed's folder into the first line, so FuncNet comes from the packages just packed, as a user gets it.
#r "nuget: FuncNet"
#r "nuget: FuncNet.FSharp"

open System
open FuncNet
open FuncNet.Layers
open FuncNet.FSharp
open type FuncNet.Ops

// Two classes in an XOR layout: the label is whether the point's coordinates have the same sign.
let random = Random 0
let points = Array2D.init 256 2 (fun _ _ -> random.NextDouble() * 2.0 - 1.0)
let labels = Array2D.init 256 2 (fun i j -> if (points.[i, 0] * points.[i, 1] > 0.0) = (j = 0) then 1.0 else 0.0)

let x = Expr.Placeholder("x", -1, 2)
let y = Expr.Placeholder("y", -1, 2)
let logits = Sequential(Dense(16, fun a -> Tanh a), Dense 2).Apply x
let loss = Losses.CategoricalCrossEntropyFromLogits(y, logits, Reduction.Mean)
let step = AdamOptimizer(0.05).Minimize loss
let session = new Session()

// FuncNet.FSharp: feeds as a list of pairs, training as a fold over (here: 300 identical) batches.
let feeds = [ x, Tensor.ofArray2D points; y, Tensor.ofArray2D labels ]
let losses = List.replicate 300 () |> Train.losses session step (fun () -> feeds)
let first, last = List.head losses, List.last losses
printfn "backend %s: loss %.4f -> %.4f" session.Backend.Name first last

if session.Backend.Name = Backend.Reference.Name then
    failwith "the FuncNet package ran on the Reference backend; FuncNet.Backends was not found"
if not (last < 0.5 * first) then
    failwithf "the loss did not fall by half (%g -> %g)" first last
