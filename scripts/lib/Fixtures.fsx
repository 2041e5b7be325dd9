// Shared by the chapter scripts: loads the curriculum's reference numbers from tests/fixtures.
#r "../../src/FuncNet.Linq/bin/Debug/net10.0/FuncNet.Core.dll"

open System.IO
open System.Text.Json
open FuncNet

/// The JSON fixture at a path relative to tests/fixtures.
let loadFixture (relativePath: string) =
    JsonDocument.Parse(File.ReadAllText(Path.Combine(__SOURCE_DIRECTORY__, "../../tests/fixtures", relativePath))).RootElement

/// A vector or matrix of numbers in a fixture, as a Float64 tensor.
let tensorOf (fixture: JsonElement) (name: string) =
    let e = fixture.GetProperty(name)
    let row (r: JsonElement) = r.EnumerateArray() |> Seq.map (fun v -> v.GetDouble()) |> Array.ofSeq
    if e.[0].ValueKind = JsonValueKind.Array then
        e.EnumerateArray() |> Seq.map row |> Array.ofSeq |> Tensor.FromArray
    else
        row e |> Tensor.FromArray
