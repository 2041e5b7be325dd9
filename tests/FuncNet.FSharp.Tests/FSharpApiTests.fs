/// The public API reads naturally from F#: operators with floats, feeds as dict or a list of pairs, F# lambdas.
module FuncNet.FSharp.Tests.FSharpApiTests

open Xunit
open FuncNet
open FuncNet.Linq
open type FuncNet.Ops

[<Fact>]
let ``feeds as dict and as a list of pairs`` () =
    let p = Expr.Placeholder("p", 3)
    let t = Tensor.FromArray [| 1.0; 2.0; 3.0 |]
    let y = 2.0 * p + 1.0 - p / 2.0
    let expected = [| 2.5; 4.0; 5.5 |]
    Assert.Equal<float[]>(expected, (y.Eval(dict [ p, t ])).ToDoubleArray())
    Assert.Equal<float[]>(expected, (y.Eval [ p, t ]).ToDoubleArray())
    Assert.Equal<float[]>(expected, (y.Eval(readOnlyDict [ p, t ])).ToDoubleArray())
    Assert.Equal<float[]>(expected, (Eval([| y |], readOnlyDict [ p, t ])).[0].ToDoubleArray())

[<Fact>]
let ``lambdas, pipelines and Rows`` () =
    let x = Expr.Placeholder("x", 2, 3)
    let data = Tensor.FromArray(array2D [ [ 1.0; 2.0; 3.0 ]; [ -1.0; 0.0; 1.0 ] ])
    let softmaxRows = x.MapRows(fun row -> Exp row / ReduceSum(Exp row))
    Assert.True((Softmax x).Eval([ x, data ]).AllClose(softmaxRows.Eval [ x, data ], 1e-12, 1e-12))
    let total = x |> fun e -> e.Select(fun a -> a * a) |> fun e -> e.Sum()
    Assert.Equal(16.0, (total.Eval [ x, data ]).ToScalar(), 12)

[<Fact>]
let ``a model built from parameter declarations`` () =
    let x = Expr.Placeholder("x", -1, 4)
    let model =
        (Param.Glorot("w", 4, 2)).SelectMany((fun _ -> Param.Zeros("b", 2)), fun w b -> Relu(MatMul(x, w) + b))
    let built = model.Build 3
    Assert.True((Shape.Of(-1, 2) = built.Value.Shape))
    Assert.Equal<string list>([ "w"; "b" ], built.Variables |> Seq.map (fun v -> string v.Name) |> List.ofSeq)

[<Fact>]
let ``a training step on values uploaded once, with Plan.Execute`` () =
    let backend: IBackend = ReferenceBackend.Instance
    let x = Expr.Placeholder("x", -1, 2)
    let w = Expr.Variable("w", Tensor.FromArray [| 1.0; -1.0 |])
    let loss = ReduceSum(Square(x * w))
    let step = GradientDescentOptimizer(0.1).Minimize(loss)
    use plan = step.Build backend
    use store = new VariableStore(backend)
    use data = backend.Upload(Tensor.FromArray(array2D [ [ 1.0; 2.0 ] ]))
    for _ in 1..3 do
        plan.Execute(readOnlyDict [ x, data ], store)
    backend.Synchronize()
    // w ← w − 0.1·2·x²·w per step: ×0.8 on the first weight, ×0.2 on the second.
    Assert.Equal<float[]>([| 0.512; -0.008 |], (store.Get w).ToDoubleArray() |> Array.map (fun v -> System.Math.Round(v, 12)))

[<Fact>]
let ``a data-parallel step from F#, on a single-process collective, equals the plain step`` () =
    let x = Expr.Placeholder("x", -1, 2)
    let w = Expr.Variable("w", Tensor.FromArray [| 1.0; -1.0 |])
    let loss = ReduceSum(Square(x * w))
    use collective = new SingleProcessCollective()
    let dataParallel = DataParallelStep(collective, GradientDescentOptimizer(0.1), loss)
    let plain = GradientDescentOptimizer(0.1).Minimize(loss)
    use a = new Session(ReferenceBackend.Instance)
    use b = new Session(ReferenceBackend.Instance)
    dataParallel.Synchronize a
    let data = Tensor.FromArray(array2D [ [ 1.0; 2.0 ] ])
    for _ in 1..3 do
        let struct (start, count) = DataParallelStep.Shard(1, collective.Rank, collective.Size)
        let reported = dataParallel.Run(a, readOnlyDict [ x, data ], count, 1)
        let expected = (b.Run(plain, readOnlyDict [ x, data ])).ToScalar()
        Assert.Equal(0, start)
        Assert.Equal(expected, reported, 12)
    let rounded (t: Tensor) = t.ToDoubleArray() |> Array.map (fun v -> System.Math.Round(v, 12))
    Assert.Equal<float[]>(rounded (b.GetValue w), rounded (a.GetValue w))

[<Fact>]
let ``StopGradient and CustomVjp from F# lambdas`` () =
    let x = Expr.Placeholder("x", 3)
    let data = Tensor.FromArray [| 0.5; -1.0; 2.0 |]
    // A straight-through Sign: the rule, not the body, gives the gradient (3 everywhere).
    let ste = CustomVjp("StraightThroughSign", (fun xs -> Sign xs[0]), (fun xs y g -> [| g |]), x)
    Assert.Equal<float[]>([| 3.0; 3.0; 3.0 |], (Gradient(ReduceSum(ste * 3.0), x).Eval [ x, data ]).ToDoubleArray())
    // x · StopGradient(x) differentiates to x.
    Assert.Equal<float[]>(data.ToDoubleArray(), (Gradient(ReduceSum(x * StopGradient x), x).Eval [ x, data ]).ToDoubleArray())

[<Fact>]
let ``DefineElementwise from F# lambdas differentiates and prints its name`` () =
    // The returned delegate's Invoke is an ordinary F# function.
    let softsign = DefineElementwise("Softsign", (fun x -> x / (1.0 + Abs x)), (fun x _ -> 1.0 / Square(1.0 + Abs x))).Invoke
    let x = Expr.Placeholder("x", 3)
    let data = Tensor.FromArray [| 0.5; -1.0; 2.0 |]
    Assert.Equal("Softsign(x)", (softsign x).ToString())
    let expected = data.ToDoubleArray() |> Array.map (fun v -> 1.0 / ((1.0 + abs v) ** 2.0))
    let actual = (Gradient(ReduceSum(softsign x), x).Eval [ x, data ]).ToDoubleArray()
    Array.iter2 (fun (e: float) (a: float) -> Assert.Equal(e, a, 12)) expected actual
    Assert.True(FuncNet.Testing.GradCheck.SecondOrder((fun xs -> ReduceSum(softsign xs[0] * xs[0])), data).Passed)

