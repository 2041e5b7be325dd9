/// ONNX export and import read naturally from F#: arrays for the lists, a session's values by method, the graph back as a record.
module FuncNet.FSharp.Tests.FSharpOnnxTests

open System.IO
open Xunit
open FuncNet
open type FuncNet.Ops

[<Fact>]
let ``export from a session and import back`` () =
    let x = Expr.Placeholder("x", Shape.Of(-1, 2))
    let w = Expr.Variable("w", Tensor.FromArray(array2D [ [ 1.0 ]; [ 1.0 ] ]))
    use session = new Session()
    session.Assign(w, Tensor.FromArray(array2D [ [ 2.0 ]; [ 3.0 ] ]))
    let path = Path.Combine(Path.GetTempPath(), sprintf "fsharp-%d.onnx" (System.Environment.ProcessId))
    try
        Onnx.Export(path, [| MatMul(x, w) |], [| x |], session)
        let g = Onnx.Import path
        let y = session.Run(g.Output "output", readOnlyDict [ g.Input "x", Tensor.FromArray(array2D [ [ 1.0; 1.0 ] ]) ])
        Assert.Equal(5.0, y.ToDoubleArray() |> Array.exactlyOne)
        Assert.Equal<string list>([ "w" ], g.Variables |> Seq.map (fun v -> string v.Name) |> List.ofSeq)
    finally
        File.Delete path
