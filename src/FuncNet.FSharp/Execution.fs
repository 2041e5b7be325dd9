namespace FuncNet.FSharp

open FuncNet

/// Compiled plans with feeds as pairs: `plan |> Plan.run [ x, images ]`.
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Plan =
    /// Compiles outputs together for the default backend.
    let compile (outputs: Expr list) : FuncNet.Plan = FuncNet.Plan.Compile(Array.ofList outputs)

    /// Runs a plan; its outputs in order.
    let run (feeds: (Expr * Tensor) list) (plan: FuncNet.Plan) : Tensor list = plan.Run(Feeds.toDictionary feeds) |> List.ofArray

/// Sessions with feeds as pairs: `session |> Session.run [ x, images ] y`.
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Session =
    /// Evaluates one expression with the session's current variable values.
    let run (feeds: (Expr * Tensor) list) (fetch: Expr) (session: FuncNet.Session) : Tensor = session.Run(fetch, Feeds.toDictionary feeds)

    /// Executes one training step; the loss before the update.
    let step (feeds: (Expr * Tensor) list) (trainingStep: TrainingStep) (session: FuncNet.Session) : Tensor =
        session.Run(trainingStep, Feeds.toDictionary feeds)

    /// The current value of a variable.
    let value (variable: Expr) (session: FuncNet.Session) : Tensor = session.GetValue variable
