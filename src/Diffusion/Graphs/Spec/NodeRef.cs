namespace GsdmCore.Diffusion;

/// <summary>
/// One node of a graphical model: an array and a position in it (row-major <see cref="Offset"/>). Obtained from an
/// array's indexer, e.g. <c>r[t, n]</c>. Two references are equal when they name the same array object and offset.
/// </summary>
public readonly struct NodeRef : IEquatable<NodeRef>
{
    /// <summary>The array the node belongs to (null only for <c>default(NodeRef)</c>).</summary>
    public VariableArray Array { get; }

    /// <summary>Row-major position of the node inside its array.</summary>
    public int Offset { get; }

    internal NodeRef(VariableArray array, int offset)
    {
        Array = array;
        Offset = offset;
    }

    /// <summary>True for <c>default(NodeRef)</c>, which names no node.</summary>
    public bool IsDefault => Array is null;

    /// <summary>The multi-index of the node (one entry per index dimension of its array).</summary>
    public int[] Index => Array.Unflatten(Offset);

    /// <summary>The index value along dimension number <paramref name="dimension"/>.</summary>
    public int this[int dimension] => Array.IndexAt(Offset, dimension);

    /// <summary>The index value along the dimension called <paramref name="dimension"/>, e.g. <c>node["t"]</c>.</summary>
    public int this[string dimension] => Array.IndexAt(Offset, Array.DimensionOf(dimension));

    /// <inheritdoc />
    public bool Equals(NodeRef other) => ReferenceEquals(Array, other.Array) && Offset == other.Offset;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NodeRef other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Array is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Array), Offset);

    /// <summary>Equality of two node references.</summary>
    public static bool operator ==(NodeRef a, NodeRef b) => a.Equals(b);

    /// <summary>Inequality of two node references.</summary>
    public static bool operator !=(NodeRef a, NodeRef b) => !a.Equals(b);

    /// <summary>The node written as <c>Name[i, j]</c> (just <c>Name</c> for a scalar array).</summary>
    public override string ToString() =>
        Array is null ? "<default node>" : Array.Rank == 0 ? Array.Name : $"{Array.Name}[{string.Join(",", Index)}]";
}
