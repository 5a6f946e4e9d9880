using GsdmCore.Diffusion;
using Xunit;

namespace GsdmCore.Diffusion.Graphs.Tests;

public class InvarianceTests
{
    /// <summary>A BCMF-shaped model: K[t,n,m] joined to A[t,m], R[t,n], E[n,m]; plate t over A, K, R.</summary>
    internal static CompiledGraph Bcmf(int t, int n, int m)
    {
        var g = new GraphicalModelBuilder("bcmf");
        var a = g.Continuous("A", ("t", t), ("m", m));
        var e = g.Continuous("E", ("n", n), ("m", m)).Observed();
        var k = g.Continuous("K", ("t", t), ("n", n), ("m", m)).Intermediate();
        var r = g.Categorical("R", 2, ("t", t), ("n", n));
        g.ConnectEach(k, x => [a[x["t"], x["m"]], r[x["t"], x["n"]], e[x["n"], x["m"]]]);
        g.Plate("t");
        return g.Compile();
    }

    [Fact]
    public void Plate_t_is_an_invariance_under_exchangeable_but_not_independent_or_array_embeddings()
    {
        var g = Bcmf(3, 2, 2);
        var ee = g.CheckInvariance(EmbeddingVariant.Exchangeable);
        Assert.Equal(2, ee.Rows.Count); // adjacent transpositions (0 1), (1 2)
        Assert.True(ee.IsInvariant("t"));
        Assert.All(ee.Rows, r => Assert.True(r.MaskPreserved && r.EmbeddingsShared && r.TypesPreserved && r.Detail == ""));

        var ie = g.CheckInvariance(EmbeddingVariant.Independent);
        Assert.False(ie.IsInvariant("t"));
        Assert.All(ie.Rows, r => Assert.True(r.MaskPreserved));
        Assert.All(ie.Rows, r => Assert.False(r.EmbeddingsShared));
        Assert.Contains("(id ", ie.Rows[0].Detail);

        var ae = g.CheckInvariance(EmbeddingVariant.Array);
        Assert.False(ae.IsInvariant("t"));
        Assert.Contains("different position code", ae.Rows[0].Detail);
    }

    [Fact]
    public void A_permutation_that_breaks_the_mask_is_detected()
    {
        var g = Bcmf(2, 2, 2);
        var k = g.Model.Array("K");
        // Swap K[0,0,0] and K[0,0,1]: same array and embedding, but they hang off different A nodes.
        var pi = g.Permutation("swap K000<->K001", x => x == k[0, 0, 0] ? k[0, 0, 1] : x == k[0, 0, 1] ? k[0, 0, 0] : x);
        Assert.False(InvarianceChecker.MaskPreserved(g, pi));
        var report = g.CheckInvariance(EmbeddingVariant.Exchangeable, [pi]);
        var row = report.Row("swap K000<->K001");
        Assert.False(row.MaskPreserved);
        Assert.True(row.EmbeddingsShared);
        Assert.False(row.Invariant);
        Assert.Contains("not in the mask", row.Detail);
        Assert.True(report.IsInvariant("t"));
        Assert.False(report.IsInvariant("custom"));
        Assert.False(report.AllInvariant);
    }

    [Fact]
    public void A_permutation_across_kinds_is_not_an_invariance()
    {
        var m = new GraphicalModelBuilder("kinds");
        var a = m.Continuous("a", ("i", 1));
        var b = m.Categorical("b", 2, ("i", 1));
        var g = m.Compile(); // no edges: the mask (identity) is preserved by every permutation
        var pi = g.Permutation("swap a<->b", x => x == a[0] ? b[0] : a[0]);
        var row = g.CheckInvariance(EmbeddingVariant.Exchangeable, [pi]).Rows.Single();
        Assert.True(row.MaskPreserved);
        Assert.False(row.TypesPreserved);
        Assert.False(row.Invariant);
    }

    [Fact]
    public void The_report_prints_a_table_with_a_verdict_per_plate()
    {
        var text = Bcmf(3, 2, 2).CheckInvariance(EmbeddingVariant.Exchangeable).ToString();
        Assert.Contains("model 'bcmf', Exchangeable embeddings", text);
        Assert.Contains("t: swap 0<->1", text);
        Assert.Contains("t: swap 1<->2", text);
        Assert.Contains("M=piM", text);
        Assert.Contains("t: INVARIANT (2 permutations checked)", text);
        Assert.Contains("not invariant", Bcmf(3, 2, 2).CheckInvariance(EmbeddingVariant.Independent).ToString());
    }

    [Fact]
    public void Plate_transpositions_move_exactly_the_plated_arrays()
    {
        var g = Bcmf(3, 2, 2);
        var pi = g.PlateTransposition("t", 0, 2);
        var e = g.Slice("E");
        for (int i = 0; i < g.NodeCount; i++)
        {
            var node = g.Nodes[i];
            var image = g.Nodes[pi.Image(i)];
            Assert.Same(node.Array, image.Array);
            if (node.Array.Name == "E") Assert.Equal(i, pi.Image(i));
            else
            {
                int d = node.Array.DimensionOf("t");
                int expected = node.Index[d] switch { 0 => 2, 2 => 0, var v => v };
                Assert.Equal(expected, image.Index[d]);
            }
        }
        Assert.Equal(Enumerable.Range(0, g.NodeCount), pi.Inverse().Select(j => pi.Image(j)));
        Assert.True(e.NodeCount > 0);
    }
}
