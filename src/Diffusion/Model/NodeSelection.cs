namespace GsdmCore.Diffusion;

/// <summary>
/// A list of positions along one axis, applied as a free <see cref="Tensor.Narrow"/> view when the positions are a
/// contiguous ascending run and as an <see cref="Tensor.IndexSelect"/> otherwise.
/// </summary>
internal sealed class NodeSelection
{
    private readonly int _start, _length;

    /// <summary>The I32 index for IndexSelect, or null when the positions are a contiguous run.</summary>
    public Tensor? Index { get; }

    private NodeSelection(int start, int length, Tensor? index)
    {
        _start = start;
        _length = length;
        Index = index;
    }

    /// <summary>The selection of <paramref name="positions"/> (the index tensor is kept out of every tensor scope).</summary>
    public static NodeSelection Of(IReadOnlyList<int> positions)
    {
        bool run = positions.Count > 0;
        for (int i = 1; i < positions.Count && run; i++) run = positions[i] == positions[0] + i;
        if (run) return new NodeSelection(positions[0], positions.Count, null);
        using (TensorScope.Suspend())
            return new NodeSelection(0, positions.Count, Tensor.FromArray(positions.ToArray()));
    }

    /// <summary>The selected slices of <paramref name="x"/> along <paramref name="axis"/>.</summary>
    public Tensor Select(Tensor x, int axis)
    {
        if (Index is not null) return x.IndexSelect(axis, Index);
        return _start == 0 && _length == x.Dim(axis) ? x : x.Narrow(axis, _start, _length);
    }
}
