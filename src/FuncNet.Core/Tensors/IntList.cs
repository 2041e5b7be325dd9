using System.Collections;

namespace FuncNet.Tensors;

/// <summary>An immutable list of ints with value equality: op attributes such as axes and permutations.</summary>
internal sealed class IntList : IEquatable<IntList>, IReadOnlyList<int>
{
    private readonly int[] _items;

    public IntList(IEnumerable<int> items) => _items = items.ToArray();

    public int Count => _items.Length;

    public int this[int index] => _items[index];

    public bool Contains(int value) => Array.IndexOf(_items, value) >= 0;

    public int[] ToArray() => (int[])_items.Clone();

    public bool Equals(IntList? other) => other is not null && _items.AsSpan().SequenceEqual(other._items);

    public override bool Equals(object? obj) => Equals(obj as IntList);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var i in _items) { h.Add(i); }
        return h.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", _items) + "]";

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
