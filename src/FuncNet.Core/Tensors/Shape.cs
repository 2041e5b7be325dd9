using System.Collections;

namespace FuncNet;

/// <summary>
/// An immutable tensor shape: the extent of each axis, row-major. A dimension of <see cref="Unknown"/>
/// (-1) is allowed only in placeholder declarations and in shapes inferred from them; it is resolved when
/// a value is fed. Broadcasting follows numpy: shapes align at the right, and a 1 stretches.
/// </summary>
public sealed class Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    /// <summary>The marker for a dimension not known until a value is fed.</summary>
    public const int Unknown = -1;

    /// <summary>
    /// The most elements a tensor can hold: 2,147,483,591, .NET's largest array (<see cref="Array.MaxLength"/>).
    /// A shape with more elements throws a <see cref="ShapeException"/> where its size is needed.
    /// </summary>
    public const int MaxSize = 0x7FFFFFC7;

    private readonly int[] _dims;

    // The element count, computed once (Size is read by every kernel run), or one of the two markers below.
    private readonly long _size;
    private const long UnknownSize = -1, TooLargeSize = -2;

    /// <summary>The shape of a scalar: rank 0, one element.</summary>
    public static readonly Shape Scalar = new(Array.Empty<int>());

    /// <summary>Creates a shape from its dimensions (copied). Use -1 for an unknown dimension.</summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        foreach (var d in dims)
        {
            if (d < Unknown)
            {
                throw new ShapeException($"Shape: a dimension must be ≥ 0 or -1 (unknown); given ({string.Join(", ", dims)}).");
            }
        }
        _dims = (int[])dims.Clone();
        _size = Array.IndexOf(_dims, Unknown) >= 0 ? UnknownSize : ElementCount(_dims) ?? TooLargeSize;
    }

    /// <summary>Creates a shape from its dimensions.</summary>
    public static Shape Of(params int[] dims) => new(dims);

    /// <summary>Creates a shape from any list of dimensions (F# lists and arrays welcome).</summary>
    public static Shape Of(IEnumerable<int> dims) => new(dims.ToArray());

    /// <summary>The number of axes.</summary>
    public int Rank => _dims.Length;

    /// <summary>The number of axes (the same as <see cref="Rank"/>).</summary>
    public int Count => _dims.Length;

    /// <summary>The extent of an axis; negative indices count from the end.</summary>
    public int this[int axis] => _dims[axis < 0 ? axis + _dims.Length : axis];

    /// <summary>True when every dimension is known.</summary>
    public bool IsFullyKnown => Array.IndexOf(_dims, Unknown) < 0;

    /// <summary>
    /// The number of elements; throws a <see cref="ShapeException"/> when a dimension is unknown or when the
    /// product exceeds <see cref="MaxSize"/>.
    /// </summary>
    public int Size
    {
        get
        {
            if (_size >= 0)
            {
                return (int)_size;
            }
            throw _size == UnknownSize
                ? new ShapeException($"Shape {this} has an unknown dimension; its size is known only once a value is fed.")
                : TooLarge(this.ToString());
        }
    }

    /// <summary>
    /// The product of known dimensions, or null when it exceeds <see cref="MaxSize"/>. A zero dimension makes
    /// it 0 whatever the others are; otherwise the running product stops as soon as it is too large, so it
    /// never overflows (unchecked, 2⁶⁴ elements would read as 0).
    /// </summary>
    internal static long? ElementCount(IEnumerable<int> dims)
    {
        var list = dims as IReadOnlyCollection<int> ?? dims.ToArray();
        if (list.Contains(0))
        {
            return 0;
        }
        long n = 1;
        foreach (var d in list)
        {
            n *= d;
            if (n > MaxSize)
            {
                return null;
            }
        }
        return n;
    }

    /// <summary>The error for a shape (or a described shape) with more elements than a tensor can hold.</summary>
    internal static ShapeException TooLarge(string shape, string? where = null) =>
        new($"{(where is null ? "" : where + ": ")}shape {shape} has more than {MaxSize:N0} elements, the most a tensor can hold " +
            "(.NET's largest array); expected a shape whose dimensions multiply to at most that.");

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => (int[])_dims.Clone();

    internal ReadOnlySpan<int> Dims => _dims;

    /// <summary>
    /// Row-major strides in elements. Throws a <see cref="ShapeException"/> when a stride does not fit an
    /// Int32, which only an empty shape with huge other dimensions can reach (a non-empty one has strides
    /// at most its size).
    /// </summary>
    public int[] Strides()
    {
        var s = new int[_dims.Length];
        long acc = 1;
        for (var i = _dims.Length - 1; i >= 0; i--)
        {
            if (acc > int.MaxValue)
            {
                throw new ShapeException($"Shape {this}: the stride of axis {i} is {acc:N0} elements, more than an Int32 index can address; expected smaller dimensions.");
            }
            s[i] = (int)acc;
            acc *= Math.Max(_dims[i], 0);
        }
        return s;
    }

    /// <summary>Turns a possibly negative axis into 0..rank-1, or throws naming the op.</summary>
    public int NormalizeAxis(int axis, string op)
    {
        var a = axis < 0 ? axis + Rank : axis;
        if (a < 0 || a >= Rank)
        {
            throw new ShapeException(Rank == 0
                ? $"{op}: axis {axis} is out of range: a tensor of shape {this} (a scalar, rank 0) has no axes; expected a tensor of rank ≥ 1."
                : $"{op}: axis {axis} is out of range for a tensor of shape {this} (rank {Rank}); expected -{Rank} ≤ axis < {Rank}.");
        }
        return a;
    }

    /// <summary>True when both dimensions agree, treating an unknown as agreeing with anything.</summary>
    public static bool DimsCompatible(int a, int b) => a == b || a == Unknown || b == Unknown;

    /// <summary>True when the two shapes have the same rank and compatible dimensions.</summary>
    public bool IsCompatibleWith(Shape other)
    {
        if (other.Rank != Rank)
        {
            return false;
        }
        for (var i = 0; i < Rank; i++)
        {
            if (!DimsCompatible(_dims[i], other._dims[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The numpy broadcast of two shapes, or null when they do not broadcast.</summary>
    public static Shape? TryBroadcast(Shape a, Shape b)
    {
        var rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Rank ? 1 : a._dims[i - (rank - a.Rank)];
            var db = i < rank - b.Rank ? 1 : b._dims[i - (rank - b.Rank)];
            if (da == db) { dims[i] = da; }
            else if (da == 1) { dims[i] = db; }
            else if (db == 1) { dims[i] = da; }
            else if (da == Unknown) { dims[i] = db; }
            else if (db == Unknown) { dims[i] = da; }
            else { return null; }
        }
        return new Shape(dims);
    }

    /// <summary>The numpy broadcast of two shapes; throws a <see cref="ShapeException"/> naming the op.</summary>
    public static Shape Broadcast(Shape a, Shape b, string op) =>
        TryBroadcast(a, b) ?? throw new ShapeException(
            $"{op}: shapes {a} and {b} do not broadcast (numpy rules: aligned at the right, each pair of dimensions equal or one of them 1).");

    /// <summary>True when this shape broadcasts to <paramref name="target"/> without changing it.</summary>
    public bool BroadcastsTo(Shape target)
    {
        if (Rank > target.Rank)
        {
            return false;
        }
        var off = target.Rank - Rank;
        for (var i = 0; i < Rank; i++)
        {
            var d = _dims[i];
            var t = target._dims[i + off];
            if (d != 1 && !DimsCompatible(d, t))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc />
    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Shape);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _dims)
        {
            h.Add(d);
        }
        return h.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(Shape? a, Shape? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Shape? a, Shape? b) => !(a == b);

    /// <summary>numpy style: <c>(2, 3)</c>, <c>(3,)</c>, <c>()</c>; unknown dimensions print as <c>?</c>.</summary>
    public override string ToString()
    {
        var parts = _dims.Select(d => d == Unknown ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return _dims.Length == 1 ? $"({parts.First()},)" : $"({string.Join(", ", parts)})";
    }

    /// <inheritdoc />
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_dims).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Converts an int array to a shape.</summary>
    public static implicit operator Shape(int[] dims) => new(dims);
}
