namespace FuncNet.FSharp

open FuncNet

/// Curried, pipe-friendly functions over FuncNet's Expr (the same nodes Ops builds). The piped value is the
/// left operand, so a layer reads left to right: `x |> Expr.matmul w |> Expr.add b |> Expr.relu` is
/// Relu(MatMul(x, w) + b).
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Expr =
    /// A Float64 placeholder; -1 leaves a dimension (usually the batch) to the fed value.
    let placeholder (name: string) (dims: int list) : Expr = FuncNet.Expr.Placeholder(name, Shape(Array.ofList dims))

    /// A variable with its initial value.
    let variable (name: string) (initial: Tensor) : Expr = FuncNet.Expr.Variable(name, initial)

    /// A constant node holding a tensor.
    let constant (value: Tensor) : Expr = FuncNet.Expr.Constant value

    /// `x |> Expr.add b` is x + b (broadcasting).
    let add (b: Expr) (x: Expr) : Expr = x + b

    /// `x |> Expr.sub b` is x − b.
    let sub (b: Expr) (x: Expr) : Expr = x - b

    /// `x |> Expr.mul b` is x ⊙ b (elementwise).
    let mul (b: Expr) (x: Expr) : Expr = x * b

    /// `x |> Expr.div b` is x / b.
    let div (b: Expr) (x: Expr) : Expr = x / b

    /// `x |> Expr.matmul w` is MatMul(x, w).
    let matmul (w: Expr) (x: Expr) : Expr = Ops.MatMul(x, w)

    /// Elementwise negation.
    let neg (x: Expr) : Expr = Ops.Negative x

    /// max(x, 0).
    let relu (x: Expr) : Expr = Ops.Relu x

    /// 1 / (1 + e^−x).
    let sigmoid (x: Expr) : Expr = Ops.Sigmoid x

    /// Hyperbolic tangent.
    let tanh (x: Expr) : Expr = Ops.Tanh x

    /// e^x.
    let exp (x: Expr) : Expr = Ops.Exp x

    /// Natural logarithm.
    let log (x: Expr) : Expr = Ops.Log x

    /// x².
    let square (x: Expr) : Expr = Ops.Square x

    /// √x.
    let sqrt (x: Expr) : Expr = Ops.Sqrt x

    /// Softmax over the last axis.
    let softmax (logits: Expr) : Expr = Ops.Softmax logits

    /// Log-softmax over the last axis.
    let logSoftmax (logits: Expr) : Expr = Ops.LogSoftmax logits

    /// The sum of all elements.
    let sum (x: Expr) : Expr = Ops.ReduceSum x

    /// The sum over the given axes.
    let sumAxes (axes: int list) (x: Expr) : Expr = Ops.ReduceSum(x, Array.ofList axes)

    /// The mean of all elements.
    let mean (x: Expr) : Expr = Ops.ReduceMean x

    /// The mean over the given axes.
    let meanAxes (axes: int list) (x: Expr) : Expr = Ops.ReduceMean(x, Array.ofList axes)

    /// The transpose of a matrix (reversed axes).
    let transpose (x: Expr) : Expr = Ops.Transpose x

    /// The same elements with other dimensions (one may be -1).
    let reshape (dims: int list) (x: Expr) : Expr = Ops.Reshape(x, Array.ofList dims)

    /// Per-row softmax cross-entropy: `logits |> Expr.softmaxCrossEntropy labels`.
    let softmaxCrossEntropy (labels: Expr) (logits: Expr) : Expr = Ops.SoftmaxCrossEntropyWithLogits(labels, logits)

    /// ∂y/∂x: `loss |> Expr.gradient w`.
    let gradient (x: Expr) (y: Expr) : Expr = Ops.Gradient(y, x)

    /// The gradients of y with respect to each of xs, in order.
    let gradients (xs: Expr list) (y: Expr) : Expr list = Ops.Gradients(y, Array.ofList xs) |> List.ofArray

    /// Evaluates once on the default backend with feeds as pairs: `y |> Expr.eval [ x, value ]`.
    let eval (feeds: (Expr * Tensor) list) (y: Expr) : Tensor = y.Eval(Feeds.toDictionary feeds)

    /// Evaluates several outputs together (shared nodes computed once).
    let evalMany (feeds: (Expr * Tensor) list) (ys: Expr list) : Tensor list =
        Ops.Eval(Array.ofList ys, Feeds.toDictionary feeds) |> List.ofArray
