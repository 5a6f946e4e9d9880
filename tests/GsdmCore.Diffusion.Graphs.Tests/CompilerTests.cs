using GsdmCore.Diffusion;
using Xunit;

namespace GsdmCore.Diffusion.Graphs.Tests;

public class CompilerTests
{
    /// <summary>x (continuous, 2) observed, c (categorical K=3, 2x2), y (categorical K=2, scalar) intermediate, z (K=3, 1).</summary>
    private static (CompiledGraph G, VariableArray X, VariableArray C, VariableArray Y, VariableArray Z) Mixed()
    {
        var m = new GraphicalModelBuilder("mixed");
        var x = m.Continuous("x", ("i", 2)).Observed();
        var c = m.Categorical("c", 3, ("a", 2), ("b", 2));
        var y = m.Categorical("y", 2).Intermediate();
        var z = m.Categorical("z", 3, ("i", 1));
        m.DirectedEdge(x[0], y.At(0));
        m.Edge(x[1], c[1, 0]);
        m.Factor(c[0, 0], c[0, 1], z[0]);
        return (m.Compile(), x, c, y, z);
    }

    [Fact]
    public void Nodes_come_in_declaration_then_row_major_order()
    {
        var (g, x, c, y, z) = Mixed();
        Assert.Equal(2 + 4 + 1 + 1, g.NodeCount);
        Assert.Equal(["x[0]", "x[1]", "c[0,0]", "c[0,1]", "c[1,0]", "c[1,1]", "y", "z[0]"], g.Nodes.Select(n => n.Name));
        Assert.Equal(4, g.NodeId(c[1, 0]));
        Assert.Equal(c[1, 0], g.NodeRefOf(4));
        Assert.Equal([1, 0], g.Nodes[4].Index);
        Assert.Equal(VariableKind.Categorical, g.Nodes[4].Kind);
        Assert.Equal(3, g.Nodes[4].Classes);
        Assert.Equal(VariableRole.Intermediate, g.Nodes[6].Role);
        Assert.Equal(0, g.Nodes[0].Classes);
        Assert.Equal(new ArraySlice(c, 2, 4, 2, 12), g.Slice(c));
        Assert.Equal(new ArraySlice(z, 7, 1, 16, 3), g.Slice("z"));
    }

    [Fact]
    public void Feature_layout_gives_one_column_per_continuous_and_K_per_categorical_node()
    {
        var (g, _, _, _, _) = Mixed();
        var f = g.Features;
        Assert.Equal(2 + 4 * 3 + 2 + 3, f.Width);
        Assert.Equal([0, 1, 2, 5, 8, 11, 14, 16], f.Offsets.ToArray());
        Assert.Equal([1, 1, 3, 3, 3, 3, 2, 3], f.Widths.ToArray());
        Assert.Equal(3, f.Groups.Count);
        Assert.Equal((VariableKind.Continuous, 1), (f.Groups[0].Kind, f.Groups[0].Width));
        Assert.Equal([0, 1], f.Groups[0].Nodes);
        Assert.Equal([0, 1], f.Groups[0].Columns);
        Assert.Equal(2, f.Groups[1].Classes);
        Assert.Equal([6], f.Groups[1].Nodes);
        Assert.Equal([14, 15], f.Groups[1].Columns);
        Assert.Equal(3, f.Groups[2].Classes);
        Assert.Equal([2, 3, 4, 5, 7], f.Groups[2].Nodes);
        Assert.Equal(Enumerable.Range(2, 12).Concat([16, 17, 18]), f.Groups[2].Columns);
    }

    [Fact]
    public void Rows_write_and_read_back()
    {
        var (g, _, _, _, _) = Mixed();
        var f = g.Features;
        var row = new float[f.Width];
        f.WriteValue(row, 1, 2.5f);
        f.WriteClass(row, 4, 2);
        f.WriteClass(row, 6, 1);
        Assert.Equal(2.5f, f.ReadValue(row, 1));
        Assert.Equal(2, f.ReadClass(row, 4));
        Assert.Equal(1, f.ReadClass(row, 6));
        Assert.Equal([0f, 0f, 1f], row[8..11]);
        Assert.Throws<ArgumentException>(() => f.WriteValue(row, 4, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.WriteClass(row, 4, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.WriteClass(row, 0, 0));
    }

    [Fact]
    public void Node_masks_expand_to_feature_masks()
    {
        var (g, _, _, _, _) = Mixed();
        var expanded = g.Features.ExpandNodeMask(g.ObservedByDefault.ToArray());
        Assert.Equal(new float[] { 1, 1 }.Concat(new float[17]), expanded);
        var mask = new float[] { 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1 };
        var t = g.Features.ExpandNodeMask(Tensor.FromArray(mask, [2, 8]));
        Assert.Equal([2, 19], t.Shape);
        var values = t.ToArray();
        Assert.Equal(1f, values[5]);
        Assert.Equal(1f, values[14]);
        Assert.Equal(0f, values[13]);
        Assert.Equal(1f, values[19 + 0]);
        Assert.Equal(1f, values[19 + 18]);
        Assert.Equal([0f, 0, 0, 0, 0, 0, 1, 0], g.IntermediateNodes);
    }

    [Fact]
    public void Attention_joins_edges_both_ways_factor_members_and_self()
    {
        var (g, _, _, _, _) = Mixed();
        var expected = new[]
        {
            new[] { 0, 6 },          // x0: self, y (directed edge x0 -> y)
            new[] { 1, 4 },          // x1: self, c[1,0]
            new[] { 2, 3, 7 },       // c00: factor with c01, z
            new[] { 2, 3, 7 },
            new[] { 1, 4 },
            new[] { 5 },             // c11: only itself
            new[] { 0, 6 },
            new[] { 2, 3, 7 },
        };
        var a = g.Attention;
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], a.Columns[a.RowPointers[i]..a.RowPointers[i + 1]].ToArray());
        Assert.Equal(18 - 8, g.DirectedEdgeCount); // 18 stored pairs above, minus the 8 self-loops
        Assert.Equal(3, g.MaxKeys);
        Assert.Equal(64, g.DenseAttention().EdgeCount);
    }

    [Fact]
    public void Embedding_variants_assign_ids_and_positions()
    {
        var (g, _, _, _, _) = Mixed();
        var ie = g.Embeddings(EmbeddingVariant.Independent);
        Assert.Equal(Enumerable.Range(0, 8), ie.Ids.ToArray());
        Assert.Equal(8, ie.Count);
        var ee = g.Embeddings(EmbeddingVariant.Exchangeable);
        Assert.Equal([0, 0, 1, 1, 1, 1, 2, 3], ee.Ids.ToArray());
        Assert.Equal(4, ee.Count);
        var ae = g.Embeddings(EmbeddingVariant.Array);
        Assert.Equal([0, 0, 1, 1, 1, 1, 2, 3], ae.Ids.ToArray());
        Assert.Equal(2, ae.PositionRank);
        Assert.Equal([0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0], ae.Positions.ToArray());
        Assert.True(ae.SameEmbedding(0, 0));
        Assert.False(ae.SameEmbedding(2, 3));
        Assert.True(ee.SameEmbedding(2, 3));
        Assert.Same(ee, g.Embeddings(EmbeddingVariant.Exchangeable));
        Assert.Equal([8, 2], ae.PositionTensor().Shape);
    }

    [Fact]
    public void Exchangeable_grouping_can_be_overridden_per_array()
    {
        var m = new GraphicalModelBuilder("groups");
        m.Continuous("u", ("i", 3));
        m.Continuous("s", ("i", 3)).ShareEmbeddings(x => x["i"]);
        m.Categorical("g", 2, ("r", 2), ("c", 4)).ShareEmbeddings(x => x["r"] * 2 + x["c"] / 2);
        var ee = m.Compile().Embeddings(EmbeddingVariant.Exchangeable);
        Assert.Equal([0, 0, 0, 1, 2, 3, 4, 4, 5, 5, 6, 6, 7, 7], ee.Ids.ToArray());
        Assert.Equal(8, ee.Count);
    }

    [Fact]
    public void Sinusoidal_code_splits_d_per_dimension_with_max_period_1000()
    {
        var m = new GraphicalModelBuilder("sin");
        m.Continuous("a", ("i", 3), ("j", 2));
        var ae = m.Compile().Embeddings(EmbeddingVariant.Array);
        // d = 9: slices of 4 and 5 (the last takes the remainder); half widths 2 and 2 (+1 zero pad).
        var code = ae.SinusoidalCode(9);
        Assert.Equal(6 * 9, code.Length);
        int node = 5; // a[2, 1]
        double f1 = Math.Exp(-Math.Log(1000.0)); // k = 1 of half = 2: ln(1000)/(2-1)
        float[] expected =
        [
            (float)Math.Sin(2), (float)Math.Sin(2 * f1), (float)Math.Cos(2), (float)Math.Cos(2 * f1),
            (float)Math.Sin(1), (float)Math.Sin(1 * f1), (float)Math.Cos(1), (float)Math.Cos(1 * f1), 0f,
        ];
        Assert.Equal(expected, code[(node * 9)..(node * 9 + 9)]);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f, 1f, 1f, 0f], code[..9]);
        Assert.Equal([6, 9], ae.SinusoidalCodeTensor(9).Shape);
        Assert.All(m.Build().Compile().Embeddings(EmbeddingVariant.Exchangeable).SinusoidalCode(4), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Range_helpers_add_the_expected_edges()
    {
        var m = new GraphicalModelBuilder("ranges");
        var s = m.Continuous("s", ("i", 4));
        var p = m.Categorical("P", 2, ("i", 3), ("j", 3));
        m.Chain(s.Nodes);
        m.FactorsBy(p, "i");
        var g = m.Compile();
        Assert.Equal(3 * 2 + 3 * (3 * 2), g.DirectedEdgeCount); // chain: 3 links both ways; rows: 3 cliques of 3 nodes
        Assert.Equal(3, m.Build().Factors.Count);
        Assert.Equal([s[0], s[1]], [m.Build().Edges[0].From, m.Build().Edges[0].To]);
        Assert.Equal("s[0] -- s[1]", m.Build().Edges[0].ToString());
    }

    [Fact]
    public void Summaries_are_readable()
    {
        var (g, _, c, _, _) = Mixed();
        Assert.Equal("c[a:2, b:2] categorical(K=3) latent", c.ToString());
        Assert.Contains("8 nodes", g.ToString());
        Assert.Contains("categorical K=3: 5 nodes x 3", g.ToString());
        Assert.Contains("x[i:2] continuous observed", g.Model.ToString());
    }
}
