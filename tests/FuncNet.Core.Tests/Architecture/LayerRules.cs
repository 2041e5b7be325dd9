using System.Text.RegularExpressions;

namespace FuncNet.Tests.Architecture;

/// <summary>
/// The namespace rule of docs/design.md ("Layers and namespaces"), checked on FuncNet.Core's source text.
/// A top-level folder of src/FuncNet.Core is a layer; the layers are ordered, and a file may use only its own
/// layer and earlier ones. A file declaring a public type is in the facade namespace <c>FuncNet</c> (users need
/// no other using); any other file is in its layer's namespace, <c>FuncNet.&lt;Layer&gt;</c>.
/// Dependencies are read from <c>using FuncNet.X</c> directives and qualified <c>FuncNet.X.</c> names; from names
/// of facade-namespace types (public ones, and internal ones beside them such as op records) declared only in
/// later layers; and from members that only a later layer adds to a facade partial class, called through the
/// class (<c>Ops.Eval</c>). Text, not semantics: comments and string literals are ignored, and an instance member
/// or operator that a later layer adds to a facade type (<c>x.Eval()</c>, tensor <c>+</c>) is not seen.
/// Each violation names the file and says what to write instead.
/// </summary>
public static partial class LayerRules
{
    /// <summary>The layers, earliest first: a file may depend on its own layer and those before it.</summary>
    /// <remarks>
    /// "" is the folder's root (the exception hierarchy every layer throws). docs/design.md explains where this
    /// differs from the data path: the kernel-kind vocabulary comes before the ops that state their lowering in it;
    /// rewriting comes before the transformations, which use it; vmap comes before differentiation, whose custom
    /// VJPs batch with vmap's walk; checkpoints come before training, whose Session saves them.
    /// </remarks>
    public static readonly IReadOnlyList<string> Order =
    [
        "", "Tensors", "Lowering", "Expressions", "Rewriting", "Transforms", "Differentiation", "Compilation",
        "Checkpoints", "Training", "Interop",
    ];

    /// <summary>The facade: where public types live, so that user code needs one using.</summary>
    public const string Facade = "FuncNet";

    /// <summary>Public namespaces under the facade that are not layers, with the folder whose files are in them.</summary>
    public static readonly IReadOnlyDictionary<string, string> PublicSubNamespaces = new Dictionary<string, string>
    {
        ["FuncNet.Layers"] = "Training/Layers",
        ["FuncNet.Data"] = "Training/Data",
    };

    /// <summary>One source file: its path relative to src/FuncNet.Core (with '/') and its text.</summary>
    public sealed record SourceFile(string Path, string Text);

    /// <summary>Every violation in <paramref name="files"/>, one readable line each; empty when the rule holds.</summary>
    public static IReadOnlyList<string> Check(IReadOnlyList<SourceFile> files)
    {
        var parsed = files.Select(Parse).ToArray();
        var index = new DeclarationIndex(parsed);
        var violations = new List<string>();
        foreach (var file in parsed)
        {
            if (file.Rank < 0)
            {
                violations.Add($"{file.Path}: the folder '{file.Layer}' is not a layer. Put the file in one of {string.Join(", ", Order.Where(o => o.Length > 0))}, " +
                    "or add the folder to LayerRules.Order and docs/design.md's layer list.");
                continue;
            }
            CheckNamespace(file, violations);
            CheckDependencies(file, index, violations);
        }
        return violations.Distinct().ToArray();
    }

    /// <summary>The Core sources of the repository that holds the running test (found from its base directory).</summary>
    public static IReadOnlyList<SourceFile> CoreSources()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FuncNet.sln")))
        {
            dir = dir.Parent;
        }
        if (dir is null)
        {
            throw new InvalidOperationException("FuncNet.sln not found above " + AppContext.BaseDirectory);
        }
        var core = Path.Combine(dir.FullName, "src", "FuncNet.Core");
        return Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(core, p).Replace('\\', '/'))
            .Where(p => !p.StartsWith("obj/", StringComparison.Ordinal) && !p.StartsWith("bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(p => new SourceFile(p, File.ReadAllText(Path.Combine(core, p))))
            .ToArray();
    }

    private static void CheckNamespace(Parsed file, List<string> violations)
    {
        var layerNamespace = file.Layer.Length == 0 ? Facade : $"{Facade}.{file.Layer}";
        var publicSub = PublicSubNamespaces.Where(p => file.Path.StartsWith(p.Value + "/", StringComparison.Ordinal)).Select(p => p.Key).ToArray();
        // A public sub-namespace's folder keeps its internal helpers beside its public types, in that namespace.
        var expected = publicSub.Length > 0 ? publicSub[0] : file.PublicTypes.Count > 0 ? Facade : layerNamespace;
        foreach (var ns in file.Namespaces.Where(ns => ns != expected))
        {
            violations.Add(file.PublicTypes.Count > 0
                ? $"{file.Path}: declares public type {file.PublicTypes[0]} in namespace {ns}; public types stay in the facade: write `namespace {expected};`."
                : $"{file.Path}: namespace {ns}, but it declares no public type, so it belongs to its layer's namespace: write `namespace {expected};` " +
                  $"(files using its types then need `using {expected};`).");
        }
        if (file.Namespaces.Count == 0)
        {
            violations.Add($"{file.Path}: declares no namespace; write `namespace {expected};`.");
        }
    }

    private static void CheckDependencies(Parsed file, DeclarationIndex index, List<string> violations)
    {
        void Later(string what, string layer) => violations.Add(
            $"{file.Path} (layer {Name(file.Layer)}) uses {what} from the later layer {Name(layer)}; the order is {string.Join(" → ", Order.Skip(1))}. " +
            "Move the code to the layer it belongs to, or invert the dependency (a hook the later layer installs), as docs/design.md says.");

        foreach (Match m in QualifiedName().Matches(file.Code))
        {
            var segment = m.Groups[1].Value;
            var layer = LayerOfNamespaceSegment(segment, index);
            if (layer is not null && Rank(layer) > file.Rank)
            {
                Later($"FuncNet.{segment}", layer);
            }
        }
        foreach (Match m in TypeToken().Matches(file.Code))
        {
            if (index.FacadeTypeLayer.TryGetValue(m.Groups[1].Value, out var layer) && Rank(layer) > file.Rank && !IsDeclaredName(file.Code, m.Index))
            {
                Later($"the type {m.Groups[1].Value}", layer);
            }
        }
        foreach (Match m in StaticMemberAccess().Matches(file.Code))
        {
            if (index.LateMember(m.Groups[1].Value, m.Groups[2].Value, file.Rank) is { } layer)
            {
                Later($"{m.Groups[1].Value}.{m.Groups[2].Value}, which that layer adds to the facade class {m.Groups[1].Value},", layer);
            }
        }
    }

    private static string? LayerOfNamespaceSegment(string segment, DeclarationIndex index)
    {
        if (Order.Contains(segment) && segment.Length > 0) { return segment; }
        if (PublicSubNamespaces.TryGetValue($"{Facade}.{segment}", out var folder)) { return folder.Split('/')[0]; }
        return index.FacadeTypeLayer.GetValueOrDefault(segment);
    }

    /// <summary>
    /// True when the name at <paramref name="at"/> follows a type (<c>string Op</c>, <c>Shape? Indexed</c>,
    /// <c>List&lt;int&gt; Axes</c>): it is a parameter, property or method being declared, not a use of a type.
    /// </summary>
    private static bool IsDeclaredName(string code, int at)
    {
        var i = at - 1;
        while (i >= 0 && char.IsWhiteSpace(code[i])) { i--; }
        if (i < 0 || i == at - 1) { return false; }
        if (code[i] is '?' or ']' or '>') { return true; }
        var end = i + 1;
        while (i >= 0 && (char.IsLetterOrDigit(code[i]) || code[i] == '_')) { i--; }
        var word = code[(i + 1)..end];
        return word.Length > 0 && !Keywords.Contains(word);
    }

    /// <summary>Keywords after which a capitalized name is a type being used (<c>new Session</c>, <c>is Op</c>).</summary>
    private static readonly HashSet<string> Keywords =
    [
        "new", "is", "as", "return", "case", "throw", "in", "out", "ref", "params", "using", "static", "readonly",
        "public", "private", "internal", "protected", "override", "virtual", "abstract", "sealed", "const", "await",
        "class", "record", "struct", "interface", "enum", "where", "yield", "else", "partial", "unsafe", "volatile",
    ];

    private static int Rank(string layer) => Order.ToList().IndexOf(layer);

    private static string Name(string layer) => layer.Length == 0 ? "(root)" : layer;

    private static Parsed Parse(SourceFile file)
    {
        var slash = file.Path.IndexOf('/', StringComparison.Ordinal);
        var layer = slash < 0 ? "" : file.Path[..slash];
        var code = Strip(file.Text);
        var namespaces = NamespaceDeclaration().Matches(code).Select(m => m.Groups[1].Value).ToArray();
        // Top-level types start in column 0 under a file-scoped namespace and in column 4 inside a block one.
        var indent = FileScopedNamespace().IsMatch(code) ? "" : "    ";
        var types = new Regex($@"^{indent}(public\s+|internal\s+)?(?:(?:sealed|abstract|static|readonly|partial|unsafe|file)\s+)*(?:class|struct|interface|enum|record(?:\s+struct)?)\s+([A-Z]\w*)", RegexOptions.Multiline)
            .Matches(code).Select(m => (Public: m.Groups[1].Value.StartsWith("public", StringComparison.Ordinal), Name: m.Groups[2].Value)).ToArray();
        return new Parsed(file.Path, layer, Order.ToList().IndexOf(layer), code, namespaces,
            types.Where(t => t.Public).Select(t => t.Name).ToArray(), types.Select(t => t.Name).ToArray());
    }

    /// <summary>The text with comments, strings and character literals blanked, so that prose never counts as a use.</summary>
    private static string Strip(string text) =>
        StripPattern().Replace(text, m => m.Value.StartsWith('/') ? new string('\n', m.Value.Count(c => c == '\n')) + " " : "\"\"");

    private sealed record Parsed(string Path, string Layer, int Rank, string Code, IReadOnlyList<string> Namespaces, IReadOnlyList<string> PublicTypes, IReadOnlyList<string> Types);

    /// <summary>Where public types and the members of facade partial classes are declared.</summary>
    private sealed class DeclarationIndex
    {
        /// <summary>Facade-namespace types (public ones and the internal ones beside them, such as op records) declared in one layer only; a partial class spread over layers is in <see cref="_partialMembers"/>.</summary>
        public readonly Dictionary<string, string> FacadeTypeLayer = new(StringComparer.Ordinal);

        // Facade partial class spread over layers → member name → the earliest layer whose part declares it.
        private readonly Dictionary<string, Dictionary<string, int>> _partialMembers = new(StringComparer.Ordinal);

        public DeclarationIndex(IReadOnlyList<Parsed> files)
        {
            // Types in a facade namespace are visible everywhere without a using, so their uses are found by name;
            // a type in a layer namespace needs a using (or a qualified name), which the other checks read.
            // (FuncNet.Layers and other public sub-namespaces need a using, so they are found like layer namespaces.)
            var byType = files.Where(f => f.Rank >= 0 && f.Namespaces.Contains(Facade))
                .SelectMany(f => f.Types.Select(t => (Type: t, File: f))).GroupBy(p => p.Type);
            foreach (var group in byType)
            {
                var layers = group.Select(p => p.File.Layer).Distinct().ToArray();
                if (layers.Length == 1) { FacadeTypeLayer[group.Key] = layers[0]; }
                else { _partialMembers[group.Key] = new(StringComparer.Ordinal); }
            }
            foreach (var file in files.Where(f => f.Rank >= 0))
            {
                // A part's members: every member declared after "partial class X" in that file (one such part per file).
                foreach (Match m in PartialDeclaration().Matches(file.Code))
                {
                    if (!_partialMembers.TryGetValue(m.Groups[1].Value, out var members)) { continue; }
                    foreach (Match member in MemberDeclaration().Matches(file.Code[m.Index..]))
                    {
                        var name = member.Groups[1].Value;
                        members[name] = Math.Min(members.GetValueOrDefault(name, int.MaxValue), file.Rank);
                    }
                }
            }
        }

        /// <summary>The layer that adds <paramref name="member"/> to the spread facade class <paramref name="type"/>, when no part at or before <paramref name="rank"/> declares it.</summary>
        public string? LateMember(string type, string member, int rank) =>
            _partialMembers.TryGetValue(type, out var members) && members.TryGetValue(member, out var first) && first > rank ? Order[first] : null;
    }

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@""(?:[^""]|"""")*""|\$?""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])'", RegexOptions.Singleline)]
    private static partial Regex StripPattern();

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^\s*namespace\s+[\w.]+\s*;", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    /// <summary><c>FuncNet.X</c> in a using directive, an alias or a qualified name (the namespace lines themselves excluded).</summary>
    [GeneratedRegex(@"(?<![\w.])(?<!namespace\s+)FuncNet\.(\w+)")]
    private static partial Regex QualifiedName();

    /// <summary>A capitalized name not preceded by '.', i.e. not a member access: a candidate type name.</summary>
    [GeneratedRegex(@"(?<![\w.])([A-Z]\w*)\b")]
    private static partial Regex TypeToken();

    /// <summary><c>Type.Member</c> through a type name (not an instance), as in <c>Ops.Eval</c>.</summary>
    [GeneratedRegex(@"(?<![\w.])([A-Z]\w*)\s*\.\s*([A-Z]\w*)")]
    private static partial Regex StaticMemberAccess();

    [GeneratedRegex(@"^[ \t]+(?:public|internal|protected|private)\b[^=;(){}]*?\s([A-Z]\w*)\s*(?:<[^>()]*>)?\s*\(", RegexOptions.Multiline)]
    private static partial Regex MemberDeclaration();

    [GeneratedRegex(@"\bpartial\s+(?:class|record|struct)\s+([A-Z]\w*)")]
    private static partial Regex PartialDeclaration();
}
