/// The F#-native surface: the model { } builder, curried functions, list feeds and training as a fold.
module FuncNet.FSharp.Tests.FSharpSurfaceTests

open Xunit
open FuncNet
open FuncNet.FSharp
open type FuncNet.Ops

[<Fact>]
let ``model { } declares the same parameters as the LINQ query`` () =
    let x = Expr.placeholder "x" [ -1; 4 ]
    let m =
        model {
            let! w = Param.glorot "w" [ 4; 3 ]
            let! b = Param.zeros "b" [ 3 ]
            return x |> Expr.matmul w |> Expr.add b |> Expr.relu
        }
    let built = m |> Model.build 7
    let linq = (FuncNet.Linq.Param.Glorot("w", 4, 3)).SelectMany((fun _ -> FuncNet.Linq.Param.Zeros("b", 3)), fun w b -> Relu(MatMul(x, w) + b)).Build 7
    Assert.Equal<string list>([ "w"; "b" ], built |> Model.variables |> List.map (fun v -> string v.Name))
    Assert.Equal(linq.InitialValues.["w"], built.InitialValues.["w"])
    Assert.True((Shape.Of(-1, 3) = built.Value.Shape))
    // Building again gives new variables with the same values; another seed, other values.
    let again = m |> Model.build 7
    Assert.NotSame(built.["w"], again.["w"])
    Assert.Equal(built.InitialValues.["w"], again.InitialValues.["w"])
    Assert.NotEqual(built.InitialValues.["w"], (m |> Model.build 8).InitialValues.["w"])

[<Fact>]
let ``a pipeline builds the very nodes Ops builds`` () =
    let x = Expr.placeholder "x" [ 2; 3 ]
    let w = Expr.constant (Tensor.ofArray2D (array2D [ [ 1.0; 0.0 ]; [ 0.0; 1.0 ]; [ 1.0; -1.0 ] ]))
    let b = Expr.constant (Tensor.ofArray [| 0.5; -0.5 |])
    // Hash-consing makes equal expressions the same node, so the curried module adds no second graph.
    Assert.Same(Relu(MatMul(x, w) + b), x |> Expr.matmul w |> Expr.add b |> Expr.relu)
    Assert.Same(ReduceMean(Square(Tanh x / Expr.Constant(Tensor.FromArray [| 0.5 |]))), x |> Expr.tanh |> Expr.div (Expr.constant (Tensor.ofArray [| 0.5 |])) |> Expr.square |> Expr.mean)
    let value = Tensor.ofArray2D (array2D [ [ 1.0; 2.0; 3.0 ]; [ -1.0; 0.0; 1.0 ] ])
    let y = x |> Expr.matmul w |> Expr.add b |> Expr.relu |> Expr.eval [ x, value ]
    Assert.Equal<float[,]>(array2D [ [ 4.5; 0.0 ]; [ 0.5; 0.0 ] ], Tensor.toArray2D y)

[<Fact>]
let ``tensors from and to F# arrays keep row-major indices`` () =
    let a = array2D [ [ 1.0; 2.0; 3.0 ]; [ 4.0; 5.0; 6.0 ] ]
    let t = Tensor.ofArray2D a
    Assert.Equal<int list>([ 2; 3 ], Tensor.dims t)
    Assert.Equal(6.0, t.[1, 2])
    Assert.Equal<float[,]>(a, Tensor.toArray2D t)
    Assert.Equal<float[]>([| 1.0; 2.0; 3.0; 4.0; 5.0; 6.0 |], Tensor.toArray t)
    Assert.Equal(t, Tensor.create [ 2; 3 ] [| 1.0; 2.0; 3.0; 4.0; 5.0; 6.0 |])
    Assert.Equal(DType.Float32, (Tensor.ofArray32 [| 1.0f |]).DType)
    Assert.Equal<float[]>([| 1.0; 2.0 |], Tensor.toArray (Tensor.ofList [ 1.0; 2.0 ]))

[<Fact>]
let ``eager arithmetic on tensors reads as it does on numbers`` () =
    let t = Tensor.ofArray2D (array2D [ [ 1.0; 2.0 ]; [ 3.0; 4.0 ] ])
    let r = Tensor.ofArray [| 10.0; 20.0 |]
    Assert.Equal<float[]>([| 11.0; 22.0; 13.0; 24.0 |], Tensor.toArray (t + r))
    Assert.Equal<float[]>([| -1.0; -3.0; -5.0; -7.0 |], Tensor.toArray (-(t * 2.0) + 1.0))
    Assert.Equal<float[,]>(array2D [ [ 7.0; 10.0 ]; [ 15.0; 22.0 ] ], t |> Tensor.matmul t |> Tensor.toArray2D)
    Assert.Throws<ShapeException>(fun () -> t + Tensor.ofArray [| 1.0; 2.0; 3.0 |] |> ignore) |> ignore

[<Fact>]
let ``session runs take F# lists of pairs, in the C# API and the module`` () =
    let x = Expr.placeholder "x" [ -1; 2 ]
    let y = Expr.placeholder "y" [ -1; 1 ]
    let w = Expr.variable "w" (Tensor.zeros [ 2; 1 ])
    let loss = x |> Expr.matmul w |> Expr.sub y |> Expr.square |> Expr.mean
    let step = GradientDescentOptimizer(0.1).Minimize loss
    let xT = Tensor.ofArray2D (array2D [ [ 1.0; 0.0 ]; [ 0.0; 1.0 ] ])
    let yT = Tensor.ofArray2D (array2D [ [ 1.0 ]; [ -1.0 ] ])
    use session = new Session()
    // The line the issue reports as FS0041: a list of pairs resolves to the F# tuple overload.
    let first = session.Run(step, [ x, xT; y, yT ])
    Assert.Equal(1.0, first.ToScalar(), 12)
    let second = session |> Session.step [ x, xT; y, yT ] step
    Assert.True(second.ToScalar() < first.ToScalar())
    Assert.True((session |> Session.run [ x, xT; y, yT ] loss).ToScalar() < second.ToScalar())
    Assert.Equal<float[]>([| 0.19; -0.19 |], session |> Session.value w |> Tensor.toArray |> Array.map (fun v -> System.Math.Round(v, 12)))

[<Fact>]
let ``training is a fold over batches`` () =
    let x = Expr.placeholder "x" [ -1; 3 ]
    let labels = Expr.placeholder "labels" [ -1; 2 ]
    let m =
        model {
            let! w = Param.normalWith 0.0 0.1 "w" [ 3; 2 ]
            let! b = Param.zeros "b" [ 2 ]
            return x |> Expr.matmul w |> Expr.add b |> Expr.softmaxCrossEntropy labels |> Expr.mean
        }
    let built = m |> Model.build 0
    let step = GradientDescentOptimizer(0.5).Minimize built.Value
    let batch (i: int) =
        let xs = Array2D.init 4 3 (fun r c -> float ((r + c + i) % 3) - 1.0)
        let ys = Array2D.init 4 2 (fun r c -> if (xs.[r, 0] > 0.0) = (c = 0) then 1.0 else 0.0)
        Tensor.ofArray2D xs, Tensor.ofArray2D ys
    let batches = List.init 3 batch |> List.replicate 10 |> List.concat
    let feedsOf (xs, ys) = [ x, xs; labels, ys ]
    use session = new Session()
    let losses = batches |> Train.losses session step feedsOf
    Assert.Equal(30, losses.Length)
    Assert.True(List.last losses < 0.5 * List.head losses, sprintf "losses %A" losses)
    // The same steps, folded by hand on a fresh session, give the same losses: the fold is just the loop.
    use manual = new Session()
    let byHand = batches |> List.map (fun b -> (manual.Run(step, feedsOf b)).ToScalar())
    Assert.Equal<float list>(byHand, losses)
    use counting = new Session()
    let count, total = batches |> Train.fold counting step feedsOf (fun (n, sum) loss -> n + 1, sum + loss) (0, 0.0)
    Assert.Equal(30, count)
    Assert.Equal(List.sum losses, total, 9)

[<Fact>]
let ``bad declarations and feeds say what is wrong`` () =
    let e = Assert.Throws<ShapeException>(fun () -> Param.glorot "w" [ 784 ] |> ignore)
    Assert.Contains("Param.glorot 'w'", e.Message)
    Assert.Contains("[fanIn; fanOut]", e.Message)
    let x = Expr.placeholder "x" [ 2 ]
    let twice = Assert.Throws<FuncNetException>(fun () -> x |> Expr.eval [ x, Tensor.zeros [ 2 ]; x, Tensor.zeros [ 2 ] ] |> ignore)
    Assert.Contains("fed twice", twice.Message)
    let wrong = Assert.Throws<ShapeException>(fun () -> x |> Expr.eval [ x, Tensor.zeros [ 3 ] ] |> ignore)
    Assert.Contains("(2,)", wrong.Message)
    Assert.Contains("(3,)", wrong.Message)

[<Fact>]
let ``MathNet matrices convert with the same indices and feed like any value`` () =
    let m = MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.DenseOfArray(array2D [ [ 1.0; 2.0; 3.0 ]; [ 4.0; 5.0; 6.0 ] ])
    let t = Tensor.ofMatrix m
    Assert.Equal(6.0, t.[1, 2])
    Assert.Equal(m, Tensor.toMatrix t)
    Assert.Equal<float[]>([| 1.0; 2.0 |], Tensor.ofArray [| 1.0; 2.0 |] |> Tensor.toVector |> Tensor.ofVector |> Tensor.toArray)
    let x = Expr.placeholder "x" [ -1; 2 ]
    let e = Assert.Throws<ShapeException>(fun () -> x |> Expr.sum |> Expr.eval [ x, t ] |> ignore)
    Assert.Contains("(?, 2)", e.Message)
    Assert.Contains("(2, 3)", e.Message)
