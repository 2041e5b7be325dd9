namespace FuncNet.FSharp

open System.Collections.Generic
open FuncNet

/// Feeds as F# lists of pairs, `[ x, images; y, labels ]`, turned into what FuncNet's runs take.
[<RequireQualifiedAccess>]
module Feeds =
    /// The placeholder → value dictionary of a list of pairs; a node given twice is an error naming it.
    let toDictionary (feeds: (Expr * Tensor) list) : IReadOnlyDictionary<Expr, Tensor> =
        let d = Dictionary<Expr, Tensor>(HashIdentity.Reference)
        for node, value in feeds do
            if d.ContainsKey node then
                raise (FuncNetException(sprintf "Feeds: %s is fed twice; give each placeholder one value." (string node)))
            d.[node] <- value
        d :> IReadOnlyDictionary<Expr, Tensor>
