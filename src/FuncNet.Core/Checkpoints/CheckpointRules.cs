using System.Text;

namespace FuncNet.Checkpoints;

/// <summary>
/// What makes a checkpoint loadable, stated once. <see cref="Checkpoint.Read(string)"/> rejects a file
/// that breaks a rule with <see cref="CorruptFileException"/>; <see cref="Checkpoint.Save(string, IReadOnlyDictionary{string, Tensor}, IReadOnlyDictionary{string, string})"/>
/// refuses, before it touches the disk, to write a file that would break one, so a save never replaces a
/// good checkpoint with one that cannot be loaded. Each rule returns the problem in words (null when there
/// is none) and each side wraps it in its own exception.
/// </summary>
internal static class CheckpointRules
{
    /// <summary>The largest header accepted (as the reference implementation): a guard against absurd lengths.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The highest tensor rank accepted.</summary>
    public const int MaxRank = 32;

    /// <summary>The header key that holds the string metadata instead of a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The problem with a header of <paramref name="bytes"/> bytes, or null.</summary>
    public static string? HeaderLength(long bytes) =>
        bytes > MaxHeaderBytes ? $"the header length is {bytes} bytes; expected at most {MaxHeaderBytes}" : null;

    /// <summary>The problem with a tensor of that rank, or null.</summary>
    public static string? Rank(string name, string shape, int rank) =>
        rank > MaxRank ? $"tensor '{name}': shape {shape} has rank {rank}; expected at most {MaxRank}" : null;

    /// <summary>The problem with a tensor of that many elements, or null: the most a .NET array (so a tensor) holds.</summary>
    public static string? ElementCount(string name, string shape, long count) =>
        count > Array.MaxLength ? $"tensor '{name}': shape {shape} has more than {Array.MaxLength} elements, the most a tensor holds" : null;

    /// <summary>
    /// The problem with a name or metadata text that is not well-formed Unicode (a lone surrogate), or null:
    /// the header is UTF-8, which cannot encode one.
    /// </summary>
    public static string? Text(string what, string text)
    {
        var at = IllFormedAt(text);
        return at < 0 ? null : $"{what} '{Abbreviate(text)}' holds a lone UTF-16 surrogate at index {at}; expected well-formed Unicode (the header is UTF-8)";
    }

    /// <summary>A text cut to a length a one-line message can show.</summary>
    public static string Abbreviate(string text) => text.Length <= 60 ? text : $"{text[..40]}… ({text.Length} characters)";

    private static int IllFormedAt(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out _, out var used) != System.Buffers.OperationStatus.Done)
            {
                return i;
            }
            i += used;
        }
        return -1;
    }
}
