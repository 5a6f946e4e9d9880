namespace GsdmCore.Diffusion;

/// <summary>
/// The categorical slices of a <see cref="DatumLayout"/> that share one class count K, as index tensors: gathering
/// <see cref="Columns"/> from a flat batch [B, D] and reshaping gives the group's one-hot states [B, n, K].
/// </summary>
internal sealed class CategoricalGroup
{
    internal CategoricalGroup(int classes, IReadOnlyList<CategoricalSlice> slices)
    {
        Classes = classes;
        Offsets = slices.Select(s => s.Offset).ToArray();
        var columns = Offsets.SelectMany(o => Enumerable.Range(o, classes)).ToArray();
        using (TensorScope.Suspend())
        {
            Columns = Tensor.FromArray(columns);
            FirstColumns = Tensor.FromArray(Offsets);
        }
    }

    /// <summary>The class count K of every slice in the group.</summary>
    public int Classes { get; }
    /// <summary>The first entry of each slice (one per node).</summary>
    public int[] Offsets { get; }
    /// <summary>Number of nodes n.</summary>
    public int Count => Offsets.Length;
    /// <summary>The n K entries of the group's slices, node by node.</summary>
    public Tensor Columns { get; }
    /// <summary>The first entry of each slice [n].</summary>
    public Tensor FirstColumns { get; }

    /// <summary>The group's slices of <paramref name="flat"/> [B, D] as [B, n, K].</summary>
    public Tensor Gather(Tensor flat) => flat.IndexSelect(1, Columns).Reshape(flat.Dim(0), Count, Classes);

    /// <summary>Per node [B, n]: the entry of <paramref name="flat"/> at each slice's first column (e.g. the observed mask).</summary>
    public Tensor PerNode(Tensor flat) => flat.IndexSelect(1, FirstColumns);

    /// <summary>The groups of <paramref name="layout"/>'s categorical slices, by class count.</summary>
    public static CategoricalGroup[] Of(DatumLayout layout) =>
        layout.Categorical.GroupBy(s => s.Classes).OrderBy(g => g.Key).Select(g => new CategoricalGroup(g.Key, g.ToList())).ToArray();
}
