namespace GsdmCore.Diffusion;

/// <summary>One named index dimension of an array, e.g. <c>t</c> of size 3 in <c>A[t, m]</c>.</summary>
/// <param name="Name">The index name; arrays that share an index (and a plate over it) use the same name.</param>
/// <param name="Size">The number of index values, at least 1.</param>
public readonly record struct IndexDimension(string Name, int Size)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}:{Size}";
}
