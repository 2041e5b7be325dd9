namespace FuncNet.Backends.Cpu.OneDnn;

/// <summary>Which pooling a oneDNN pooling kernel computes.</summary>
internal enum OneDnnPoolingKind
{
    /// <summary>The window's maximum; padded cells never win (they count as −∞).</summary>
    Max,

    /// <summary>The window's mean with padded cells counted as zeros in it (PyTorch's default, <c>count_include_pad=True</c>).</summary>
    AverageIncludingPadding,

    /// <summary>The mean of the window's cells that lie inside the input.</summary>
    AverageExcludingPadding,
}
