namespace GsdmCore.Diffusion;

/// <summary>
/// A plate: an index dimension, shared by some arrays, whose values the joint density is invariant to permuting
/// (e.g. the rank index t of R, A and K in BCMF). Permuting index values of a plate permutes those arrays' nodes
/// together and leaves every other node in place.
/// </summary>
public sealed class Plate
{
    /// <summary>The index-dimension name.</summary>
    public string Index { get; }

    /// <summary>The number of index values.</summary>
    public int Size { get; }

    /// <summary>The arrays indexed by the plate.</summary>
    public IReadOnlyList<VariableArray> Arrays { get; }

    internal Plate(string index, int size, VariableArray[] arrays)
    {
        Index = index;
        Size = size;
        Arrays = arrays;
    }

    /// <inheritdoc />
    public override string ToString() => $"plate {Index}:{Size} over {string.Join(", ", Arrays.Select(a => a.Name))}";
}
