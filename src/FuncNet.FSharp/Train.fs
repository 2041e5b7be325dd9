namespace FuncNet.FSharp

open FuncNet

/// Training as a fold over batches: each batch is one step of the session, and the loss before the update is
/// folded into a state (a loss history, a running mean, ...):
/// `batches |> Train.fold session step (fun (xs, ys) -> [ x, xs; y, ys ]) (fun losses l -> l :: losses) []`.
[<RequireQualifiedAccess>]
module Train =
    /// Runs one training step per batch, in order, folding each step's loss into the state.
    let fold (session: Session) (step: TrainingStep) (feedsOf: 'Batch -> (Expr * Tensor) list) (folder: 'State -> float -> 'State) (state: 'State) (batches: seq<'Batch>) : 'State =
        batches |> Seq.fold (fun s batch -> folder s ((session.Run(step, Feeds.toDictionary (feedsOf batch))).ToScalar())) state

    /// Runs one training step per batch; the losses in order.
    let losses (session: Session) (step: TrainingStep) (feedsOf: 'Batch -> (Expr * Tensor) list) (batches: seq<'Batch>) : float list =
        batches |> fold session step feedsOf (fun acc loss -> loss :: acc) [] |> List.rev
