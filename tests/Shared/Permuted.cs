namespace GsdmCore.Tests.Shared;

/// <summary>
/// Applies a node permutation to flat data: (π x) puts the features of node i where node π(i)'s features are, so
/// π x = x.IndexSelect(1, Source) with Source[offset(π i) + c] = offset(i) + c (π must keep node widths).
/// </summary>
internal sealed class Permuted
{
    public int[] Source { get; }
    private readonly Tensor _index;

    public Permuted(CompiledGraph graph, NodePermutation pi)
    {
        var f = graph.Features;
        Source = new int[f.Width];
        for (int i = 0; i < graph.NodeCount; i++)
        {
            int j = pi.Image(i);
            Assert.Equal(f.NodeWidth(i), f.NodeWidth(j));
            for (int c = 0; c < f.NodeWidth(i); c++) Source[f.Offset(j) + c] = f.Offset(i) + c;
        }
        using (TensorScope.Suspend()) _index = Tensor.FromArray(Source);
    }

    /// <summary>π x for x [batch, width].</summary>
    public Tensor Apply(Tensor x) => x.IndexSelect(1, _index);
}
