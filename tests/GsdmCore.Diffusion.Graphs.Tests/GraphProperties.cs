using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using GsdmCore.Diffusion;
using Xunit;

namespace GsdmCore.Diffusion.Graphs.Tests;

/// <summary>Laws of the compiler over random models.</summary>
public class GraphProperties
{
    /// <summary>A random model: 1-4 arrays of rank 0-3, random kinds, random edges and factors.</summary>
    private static (GraphicalModel Model, List<(NodeRef, NodeRef)> Pairs) RandomModel(int seed)
    {
        var rng = new Random(seed);
        var m = new GraphicalModelBuilder($"random{seed}");
        int arrays = 1 + rng.Next(4);
        var all = new List<VariableArray>();
        for (int a = 0; a < arrays; a++)
        {
            var dims = Enumerable.Range(0, rng.Next(4)).Select(d => ($"d{d}", 1 + rng.Next(3))).ToArray();
            all.Add(rng.Next(2) == 0 ? m.Continuous($"a{a}", dims) : m.Categorical($"a{a}", 2 + rng.Next(4), dims));
        }
        var nodes = all.SelectMany(a => a.Nodes).ToArray();
        var pairs = new List<(NodeRef, NodeRef)>();
        for (int e = rng.Next(2 * nodes.Length); e > 0; e--)
        {
            var (x, y) = (nodes[rng.Next(nodes.Length)], nodes[rng.Next(nodes.Length)]);
            if (rng.Next(2) == 0) m.Edge(x, y); else m.DirectedEdge(x, y);
            pairs.Add((x, y));
        }
        for (int f = rng.Next(3); f > 0; f--)
        {
            var members = Enumerable.Range(0, 1 + rng.Next(4)).Select(_ => nodes[rng.Next(nodes.Length)]).ToArray();
            m.Factor(members);
            foreach (var x in members) foreach (var y in members) pairs.Add((x, y));
        }
        return (m.Build(), pairs);
    }

    [Property(MaxTest = 60)]
    public void Attention_is_symmetric_has_self_loops_and_exactly_the_spec_pairs(PositiveInt seed)
    {
        var (model, pairs) = RandomModel(seed.Get);
        var g = model.Compile();
        var mask = g.Attention.ToDenseMask();
        var expected = new bool[g.NodeCount, g.NodeCount];
        for (int i = 0; i < g.NodeCount; i++) expected[i, i] = true;
        foreach (var (x, y) in pairs)
        {
            expected[g.NodeId(x), g.NodeId(y)] = true;
            expected[g.NodeId(y), g.NodeId(x)] = true;
        }
        for (int i = 0; i < g.NodeCount; i++)
            for (int j = 0; j < g.NodeCount; j++)
                Assert.Equal(expected[i, j], mask[i, j]);
        Assert.Equal(Enumerable.Range(0, g.NodeCount).Max(g.Attention.Degree), g.MaxKeys);
    }

    [Property(MaxTest = 60)]
    public void Layout_offsets_are_cumulative_widths_and_groups_partition_the_features(PositiveInt seed)
    {
        var g = RandomModel(seed.Get).Model.Compile();
        var f = g.Features;
        int offset = 0;
        for (int i = 0; i < g.NodeCount; i++)
        {
            Assert.Equal(offset, f.Offset(i));
            Assert.Equal(g.Nodes[i].Kind == VariableKind.Continuous ? 1 : g.Nodes[i].Classes, f.NodeWidth(i));
            offset += f.NodeWidth(i);
        }
        Assert.Equal(offset, f.Width);
        var columns = f.Groups.SelectMany(gr => gr.Columns).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, f.Width), columns);
        Assert.All(f.Groups, gr => Assert.Equal(gr.Nodes.Count * gr.Width, gr.Columns.Count));
        foreach (var slice in g.Arrays)
            Assert.Equal(f.Offset(slice.FirstNode), slice.FeatureOffset);
    }

    [Property(MaxTest = 60)]
    public void Node_ids_round_trip_through_node_refs(PositiveInt seed)
    {
        var g = RandomModel(seed.Get).Model.Compile();
        for (int i = 0; i < g.NodeCount; i++)
        {
            var node = g.NodeRefOf(i);
            Assert.Equal(i, g.NodeId(node));
            Assert.Equal(node, node.Array[node.Index]);
            Assert.Equal(g.Nodes[i].Index, node.Index);
        }
    }

    [Property(MaxTest = 40)]
    public void Plate_permutations_of_a_plate_respecting_model_preserve_the_mask(PositiveInt t, PositiveInt n, PositiveInt m, PositiveInt a, PositiveInt b)
    {
        int tt = 1 + t.Get % 4, nn = 1 + n.Get % 3, mm = 1 + m.Get % 3;
        var g = InvarianceTests.Bcmf(tt, nn, mm);
        var pi = g.PlateTransposition("t", a.Get % tt, b.Get % tt);
        Assert.True(InvarianceChecker.MaskPreserved(g, pi));
        var row = g.CheckInvariance(EmbeddingVariant.Exchangeable, [pi]).Rows[^1];
        Assert.True(row.Invariant);
        bool identity = a.Get % tt == b.Get % tt;
        Assert.Equal(identity, g.CheckInvariance(EmbeddingVariant.Independent, [pi]).Rows[^1].Invariant);
    }

    [Property(MaxTest = 40)]
    public void Exchangeable_ids_are_dense_and_never_shared_across_arrays(PositiveInt seed)
    {
        var g = RandomModel(seed.Get).Model.Compile();
        var ee = g.Embeddings(EmbeddingVariant.Exchangeable);
        Assert.Equal(Enumerable.Range(0, ee.Count), ee.Ids.ToArray().Distinct().Order());
        for (int i = 0; i < g.NodeCount; i++)
            for (int j = 0; j < g.NodeCount; j++)
                if (ee.Id(i) == ee.Id(j)) Assert.Same(g.Nodes[i].Array, g.Nodes[j].Array);
    }
}
