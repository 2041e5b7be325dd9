using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Numerics;
using System.Reflection;
using FuncNet.Expressions;

namespace FuncNet.Backends.Cpu;

/// <summary>
/// Runs <paramref name="rows"/> rows of <paramref name="count"/> elements of a fused elementwise kernel:
/// in row r, output[outStart + r·count + i] = f(args) for i in [0, count), where a "full" argument k reads
/// inputs[k][starts[k] + r·rowStrides[k] + i] and a "scalar" one reads inputs[k][starts[k] + r·rowStrides[k]].
/// One call covers every row, so broadcasts over many short rows cost one call, not one per row.
/// </summary>
internal delegate void ElementwiseKernel<T>(T[][] inputs, int[] starts, int[] rowStrides, T[] output, int outStart, int count, int rows);

/// <summary>
/// Turns an op's scalar formula (<see cref="ScalarExpr"/>, the one definition every backend shares) into a
/// compiled SIMD kernel: System.Linq.Expressions builds a loop over <see cref="Vector{T}"/> lanes with a
/// scalar tail, and the JIT compiles it once. Kernels are cached by formula text, argument kinds and
/// element type, so a plan's kernels are generated once per process.
/// </summary>
internal static class ElementwiseCompiler
{
    private static readonly ConcurrentDictionary<(string Formula, string Kinds, Type T), Delegate> Cache = new();

    /// <summary>The kernel for a formula, compiled once per formula text, argument kinds and element type.</summary>
    public static ElementwiseKernel<T> Get<T>(ScalarExpr formula, bool[] scalarArgs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kinds = new string(scalarArgs.Select(s => s ? 's' : 'f').ToArray());
        return (ElementwiseKernel<T>)Cache.GetOrAdd((formula.ToString(), kinds, typeof(T)), _ => Compile<T>(formula, scalarArgs));
    }

    /// <summary>
    /// Whether a formula compiles to a vector loop (with a scalar tail) or to the scalar loop only: vectorized
    /// when the hardware accelerates <see cref="Vector{T}"/> and every primitive has a vector form. Tests read
    /// it to prove that no primitive drops a fused kernel to scalar code.
    /// </summary>
    internal static bool IsVectorized(ScalarExpr formula) => Vector.IsHardwareAccelerated && AllHaveVectorForms(formula);

    private static bool AllHaveVectorForms(ScalarExpr e) => e switch
    {
        ScalarCall c => HasVectorForm(c.Fn) && c.Args.All(AllHaveVectorForms),
        _ => true,
    };

    /// <summary>The primitives the vector emitter translates; a primitive added to <see cref="ScalarFn"/> without one is false here.</summary>
    internal static bool HasVectorForm(ScalarFn fn) => fn switch
    {
        ScalarFn.Add or ScalarFn.Subtract or ScalarFn.Multiply or ScalarFn.Divide or ScalarFn.Negate or ScalarFn.Select
            or ScalarFn.Less or ScalarFn.LessEqual or ScalarFn.Greater or ScalarFn.GreaterEqual or ScalarFn.Equal or ScalarFn.NotEqual
            or ScalarFn.Exp or ScalarFn.Log or ScalarFn.Log1p or ScalarFn.Expm1 or ScalarFn.Sqrt or ScalarFn.Abs or ScalarFn.Tanh
            or ScalarFn.Max or ScalarFn.Min or ScalarFn.Pow or ScalarFn.Sign or ScalarFn.Sin or ScalarFn.Cos or ScalarFn.Erf
            or ScalarFn.Floor or ScalarFn.Round => true,
        _ => false,
    };

    private static ElementwiseKernel<T> Compile<T>(ScalarExpr formula, bool[] scalarArgs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var inputs = Expression.Parameter(typeof(T[][]), "inputs");
        var starts = Expression.Parameter(typeof(int[]), "starts");
        var output = Expression.Parameter(typeof(T[]), "output");
        var rowStrides = Expression.Parameter(typeof(int[]), "rowStrides");
        var outStart = Expression.Parameter(typeof(int), "outStart");
        var count = Expression.Parameter(typeof(int), "count");
        var rows = Expression.Parameter(typeof(int), "rows");
        var i = Expression.Variable(typeof(int), "i");
        var r = Expression.Variable(typeof(int), "r");
        var outRow = Expression.Variable(typeof(int), "outRow");
        var locals = new List<ParameterExpression> { i, r, outRow };
        var prologue = new List<Expression> { Expression.Assign(r, Expression.Constant(0)), Expression.Assign(outRow, outStart) };
        var body = new List<Expression> { Expression.Assign(i, Expression.Constant(0)) };

        var arity = scalarArgs.Length;
        var arrays = new ParameterExpression[arity];
        var offsets = new ParameterExpression[arity];
        var scalars = new ParameterExpression?[arity];
        var vectors = new ParameterExpression?[arity];
        var vectorized = IsVectorized(formula);
        for (var k = 0; k < arity; k++)
        {
            arrays[k] = Expression.Variable(typeof(T[]), $"a{k}");
            offsets[k] = Expression.Variable(typeof(int), $"s{k}");
            locals.Add(arrays[k]);
            locals.Add(offsets[k]);
            prologue.Add(Expression.Assign(arrays[k], Expression.ArrayIndex(inputs, Expression.Constant(k))));
            body.Add(Expression.Assign(offsets[k], Expression.Add(
                Expression.ArrayIndex(starts, Expression.Constant(k)),
                Expression.Multiply(r, Expression.ArrayIndex(rowStrides, Expression.Constant(k))))));
            if (scalarArgs[k])
            {
                scalars[k] = Expression.Variable(typeof(T), $"x{k}");
                locals.Add(scalars[k]!);
                body.Add(Expression.Assign(scalars[k]!, Expression.ArrayIndex(arrays[k], offsets[k])));
                if (vectorized)
                {
                    vectors[k] = Expression.Variable(typeof(Vector<T>), $"v{k}");
                    locals.Add(vectors[k]!);
                    body.Add(Expression.Assign(vectors[k]!, Expression.New(typeof(Vector<T>).GetConstructor([typeof(T)])!, scalars[k]!)));
                }
            }
        }

        if (vectorized)
        {
            var width = Vector<T>.Count;
            var limit = Expression.Variable(typeof(int), "limit");
            locals.Add(limit);
            body.Add(Expression.Assign(limit, Expression.Subtract(count, Expression.Constant(width))));
            var vectorArgs = new Expression[arity];
            for (var k = 0; k < arity; k++)
            {
                vectorArgs[k] = scalarArgs[k]
                    ? vectors[k]!
                    : Expression.New(typeof(Vector<T>).GetConstructor([typeof(T[]), typeof(int)])!, arrays[k], Expression.Add(offsets[k], i));
            }
            var (vectorValue, vectorTemps, vectorSteps) = new Emitter<T>(vector: true, vectorArgs).Emit(formula);
            var brk = Expression.Label("vectorDone");
            body.Add(Expression.Loop(
                Expression.IfThenElse(
                    Expression.GreaterThan(i, limit),
                    Expression.Break(brk),
                    Expression.Block(vectorTemps,
                        vectorSteps.Append(Expression.Call(vectorValue, typeof(Vector<T>).GetMethod("CopyTo", [typeof(T[]), typeof(int)])!, output, Expression.Add(outRow, i)))
                                   .Append(Expression.AddAssign(i, Expression.Constant(width))))),
                brk));
        }

        var scalarArgsExpr = new Expression[arity];
        for (var k = 0; k < arity; k++)
        {
            scalarArgsExpr[k] = scalarArgs[k] ? scalars[k]! : Expression.ArrayIndex(arrays[k], Expression.Add(offsets[k], i));
        }
        var (scalarValue, scalarTemps, scalarSteps) = new Emitter<T>(vector: false, scalarArgsExpr).Emit(formula);
        var done = Expression.Label("scalarDone");
        body.Add(Expression.Loop(
            Expression.IfThenElse(
                Expression.GreaterThanOrEqual(i, count),
                Expression.Break(done),
                Expression.Block(scalarTemps,
                    scalarSteps.Append(Expression.Assign(Expression.ArrayAccess(output, Expression.Add(outRow, i)), scalarValue))
                               .Append(Expression.PreIncrementAssign(i)))),
            done));

        body.Add(Expression.AddAssign(outRow, count));
        body.Add(Expression.PreIncrementAssign(r));
        var rowsDone = Expression.Label("rowsDone");
        prologue.Add(Expression.Loop(
            Expression.IfThenElse(Expression.GreaterThanOrEqual(r, rows), Expression.Break(rowsDone), Expression.Block(body)),
            rowsDone));
        var lambda = Expression.Lambda<ElementwiseKernel<T>>(Expression.Block(locals, prologue), inputs, starts, rowStrides, output, outStart, count, rows);
        return lambda.Compile();
    }

    /// <summary>
    /// Emits a formula as a sequence of assignments to temporaries (one per distinct sub-formula object, so
    /// a value the fused body shares is computed once) in scalar T or in Vector&lt;T&gt;.
    /// </summary>
    private sealed class Emitter<T>(bool vector, Expression[] args) where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly Dictionary<ScalarExpr, Expression> _done = new(ReferenceEqualityComparer.Instance);
        private readonly List<ParameterExpression> _temps = [];
        private readonly List<Expression> _steps = [];
        private readonly Type _type = vector ? typeof(Vector<T>) : typeof(T);

        public (Expression Value, List<ParameterExpression> Temps, List<Expression> Steps) Emit(ScalarExpr e) => (Visit(e), _temps, _steps);

        private Expression Visit(ScalarExpr e)
        {
            if (_done.TryGetValue(e, out var known))
            {
                return known;
            }
            Expression value = e switch
            {
                ScalarArg a => args[a.Index],
                ScalarConst c => Const(c.Value),
                ScalarCall call => Call(call.Fn, call.Args.Select(Visit).ToArray()),
                _ => throw new NotSupportedException(e.GetType().Name),
            };
            if (e is ScalarCall)
            {
                var t = Expression.Variable(_type);
                _temps.Add(t);
                _steps.Add(Expression.Assign(t, value));
                value = t;
            }
            _done[e] = value;
            return value;
        }

        private Expression Const(double v)
        {
            var scalar = Expression.Constant(T.CreateTruncating(v), typeof(T));
            return vector ? Expression.New(typeof(Vector<T>).GetConstructor([typeof(T)])!, scalar) : scalar;
        }

        private Expression Call(ScalarFn fn, Expression[] a) => fn switch
        {
            ScalarFn.Add => Expression.Add(a[0], a[1]),
            ScalarFn.Subtract => Expression.Subtract(a[0], a[1]),
            ScalarFn.Multiply => Expression.Multiply(a[0], a[1]),
            ScalarFn.Divide => Expression.Divide(a[0], a[1]),
            ScalarFn.Negate => Expression.Negate(a[0]),
            ScalarFn.Select => vector
                ? VectorCall("ConditionalSelect", VectorCall("Equals", a[0], Const(0)), a[2], a[1])
                : Expression.Condition(Expression.NotEqual(a[0], Const(0)), a[1], a[2]),
            ScalarFn.Less or ScalarFn.LessEqual or ScalarFn.Greater or ScalarFn.GreaterEqual or ScalarFn.Equal or ScalarFn.NotEqual => Compare(fn, a[0], a[1]),
            _ when vector => fn switch
            {
                ScalarFn.Exp or ScalarFn.Log or ScalarFn.Sin or ScalarFn.Cos or ScalarFn.Floor or ScalarFn.Round =>
                    Expression.Call(typeof(Vector).GetMethod(fn.ToString(), [typeof(Vector<T>)])!, a[0]),
                ScalarFn.Sqrt => VectorCall("SquareRoot", a[0]),
                ScalarFn.Abs => VectorCall("Abs", a[0]),
                ScalarFn.Max => VectorCall("Max", a[0], a[1]),
                ScalarFn.Min => VectorCall("Min", a[0], a[1]),
                ScalarFn.Tanh or ScalarFn.Sign or ScalarFn.Log1p or ScalarFn.Expm1 or ScalarFn.Erf or ScalarFn.Pow =>
                    Expression.Call(typeof(VectorMath).GetMethod(fn.ToString(), BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(typeof(T)), a),
                _ => throw new NotSupportedException($"{fn} has no vector form"),
            },
            _ => ScalarPrimitive(fn, a),
        };

        private Expression Compare(ScalarFn fn, Expression x, Expression y)
        {
            if (vector)
            {
                var (name, swap) = fn switch
                {
                    ScalarFn.Less => ("LessThan", false),
                    ScalarFn.LessEqual => ("LessThanOrEqual", false),
                    ScalarFn.Greater => ("GreaterThan", false),
                    ScalarFn.GreaterEqual => ("GreaterThanOrEqual", false),
                    ScalarFn.Equal => ("Equals", false),
                    _ => ("Equals", true),
                };
                var mask = VectorCall(name, x, y);
                return swap ? VectorCall("ConditionalSelect", mask, Const(0), Const(1)) : VectorCall("ConditionalSelect", mask, Const(1), Const(0));
            }
            Expression test = fn switch
            {
                ScalarFn.Less => Expression.LessThan(x, y),
                ScalarFn.LessEqual => Expression.LessThanOrEqual(x, y),
                ScalarFn.Greater => Expression.GreaterThan(x, y),
                ScalarFn.GreaterEqual => Expression.GreaterThanOrEqual(x, y),
                ScalarFn.Equal => Expression.Equal(x, y),
                _ => Expression.NotEqual(x, y),
            };
            return Expression.Condition(test, Const(1), Const(0));
        }

        /// <summary>A generic method of System.Numerics.Vector instantiated at T.</summary>
        private static Expression VectorCall(string name, params Expression[] a)
        {
            var method = typeof(Vector).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .First(m => m.Name == name && m.IsGenericMethodDefinition && m.GetParameters().Length == a.Length
                            && m.GetParameters().All(p => p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(Vector<>)))
                .MakeGenericMethod(typeof(T));
            return Expression.Call(method, a);
        }

        private static Expression ScalarPrimitive(ScalarFn fn, Expression[] a)
        {
            var math = typeof(T) == typeof(float) ? typeof(MathF) : typeof(Math);
            var t = typeof(T);
            return fn switch
            {
                ScalarFn.Exp => Expression.Call(math.GetMethod("Exp", [t])!, a[0]),
                ScalarFn.Log => Expression.Call(math.GetMethod("Log", [t])!, a[0]),
                ScalarFn.Log1p or ScalarFn.Expm1 or ScalarFn.Erf => Expression.Call(typeof(FuncNet.Lowering.ScalarMath).GetMethod(fn.ToString(), [t])!, a[0]),
                ScalarFn.Sin or ScalarFn.Cos or ScalarFn.Floor or ScalarFn.Round => Expression.Call(math.GetMethod(fn.ToString(), [t])!, a[0]),
                ScalarFn.Sqrt => Expression.Call(math.GetMethod("Sqrt", [t])!, a[0]),
                ScalarFn.Abs => Expression.Call(math.GetMethod("Abs", [t])!, a[0]),
                ScalarFn.Tanh => Expression.Call(math.GetMethod("Tanh", [t])!, a[0]),
                ScalarFn.Max => Expression.Call(math.GetMethod("Max", [t, t])!, a[0], a[1]),
                ScalarFn.Min => Expression.Call(math.GetMethod("Min", [t, t])!, a[0], a[1]),
                ScalarFn.Pow => Expression.Call(math.GetMethod("Pow", [t, t])!, a[0], a[1]),
                ScalarFn.Sign => Expression.Call(typeof(ElementwiseCompiler).GetMethod(nameof(SignOf), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t), a[0]),
                _ => throw new NotSupportedException(fn.ToString()),
            };
        }
    }

    private static T SignOf<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(x) ? x : T.CreateTruncating(T.Sign(x));
}
