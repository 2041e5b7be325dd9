namespace FuncNet.Layers;

/// <summary>
/// A layer whose variables are named after it and which may still be renamed: a <see cref="Sequential"/>
/// gives the layers left with their default name unique ones (dense, dense_1, dense_2, ...) so that a model
/// saves and restores by name without naming every layer. Renaming is refused once the variables exist.
/// </summary>
internal interface INamedLayer
{
    /// <summary>The prefix of the variables' names.</summary>
    string Name { get; }

    /// <summary>True when the name was not given by the user, so <see cref="Sequential"/> may make it unique.</summary>
    bool HasDefaultName { get; }

    /// <summary>The kind's default name (dense, batch_norm, ...), the stem of the unique names.</summary>
    string DefaultName { get; }

    /// <summary>True once the layer's variables exist (after the first Apply).</summary>
    bool IsBuilt { get; }

    /// <summary>Gives the layer the name <paramref name="name"/>; only before it is built.</summary>
    void Rename(string name);
}

/// <summary>Makes default layer names unique within a model, in the order the layers are applied.</summary>
internal static class LayerNames
{
    /// <summary>
    /// Renames the default-named, unbuilt layers among <paramref name="layers"/> (nested sequentials included)
    /// so that no two share a name: the first keeps the default, later ones get _1, _2, ... skipping names
    /// already taken by any other layer.
    /// </summary>
    public static void MakeUnique(IEnumerable<ILayer> layers)
    {
        var named = Flatten(layers).OfType<INamedLayer>().Distinct().ToArray();
        var taken = new HashSet<string>(named.Where(l => !l.HasDefaultName || l.IsBuilt).Select(l => l.Name), StringComparer.Ordinal);
        foreach (var layer in named.Where(l => l.HasDefaultName && !l.IsBuilt))
        {
            var stem = layer.DefaultName;
            var candidate = stem;
            for (var k = 1; taken.Contains(candidate); k++)
            {
                candidate = $"{stem}_{k}";
            }
            taken.Add(candidate);
            if (candidate != layer.Name)
            {
                layer.Rename(candidate);
            }
        }
    }

    private static IEnumerable<ILayer> Flatten(IEnumerable<ILayer> layers) =>
        layers.SelectMany(l => l is Sequential s ? Flatten(s.Layers) : [l]);
}
