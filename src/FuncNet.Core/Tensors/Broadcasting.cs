namespace FuncNet.Tensors;

/// <summary>Index arithmetic for numpy broadcasting, used by reference kernels.</summary>
internal static class Broadcasting
{
    /// <summary>For each flat index of <paramref name="output"/>, the flat index of the element of <paramref name="input"/> it reads.</summary>
    public static int[] SourceIndices(Shape input, Shape output)
    {
        var n = output.Size;
        var map = new int[n];
        var rank = output.Rank;
        var off = rank - input.Rank;
        var inStrides = input.Strides();
        // The stride of each output axis in the input: zero where the input broadcasts.
        var strides = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var j = i - off;
            strides[i] = j < 0 || input[j] == 1 ? 0 : inStrides[j];
        }
        var index = new int[rank];
        var src = 0;
        for (var k = 0; k < n; k++)
        {
            map[k] = src;
            for (var a = rank - 1; a >= 0; a--)
            {
                index[a]++;
                src += strides[a];
                if (index[a] < output[a]) { break; }
                src -= strides[a] * index[a];
                index[a] = 0;
            }
        }
        return map;
    }

    /// <summary>The axes of <paramref name="output"/> along which <paramref name="input"/> was broadcast (to be summed to un-broadcast).</summary>
    public static int[] BroadcastAxes(Shape input, Shape output)
    {
        var off = output.Rank - input.Rank;
        var axes = new List<int>();
        for (var i = 0; i < output.Rank; i++)
        {
            if (i < off || (input[i - off] == 1 && output[i] != 1))
            {
                axes.Add(i);
            }
        }
        return axes.ToArray();
    }
}
