using GsdmCore.Backends;
using GsdmCore.Backends.Cpu;
using Xunit;

namespace GsdmCore.Nn.Tests;

/// <summary>
/// The sparse kernel runs an item's passes with one packed matrix at a time on graphs whose two packed matrices would
/// not fit a core's L2 cache. Those split passes must give the same bits as the paired ones, since which order runs
/// depends on the machine: forced both ways here on small graphs, every gradient target present and each one absent.
/// </summary>
[Collection("MaxThreads")]
public class SparseSplitPassesTests
{
    private static (Array Out, Array Dq, Array Dk, Array Dv) Run(SparseGraph graph, DType dtype, int d, bool split, bool[] needs, bool packed)
    {
        bool? savedF = SparseAttentionKernels<float>.SplitOverride, savedD = SparseAttentionKernels<double>.SplitOverride;
        try
        {
            SparseAttentionKernels<float>.SplitOverride = split;
            SparseAttentionKernels<double>.SplitOverride = split;
            int n = graph.Nodes, heads = 2, batch = 3;
            var kernel = new SparseAttention(graph);
            if (packed)
            {
                var qkv = TestGraphs.Randn([batch, n, 3 * heads * d], 11, dtype).RequireGrad();
                var o = kernel.ForwardPacked(qkv, heads);
                (o * TestGraphs.Randn(o.Shape, 12, dtype)).Sum().Backward();
                return (ToArray(o), ToArray(qkv.Grad!), Array.Empty<float>(), Array.Empty<float>());
            }
            var q = TestGraphs.Randn([batch, heads, n, d], 1, dtype);
            var k = TestGraphs.Randn([batch, heads, n, d], 2, dtype);
            var v = TestGraphs.Randn([batch, heads, n, d], 3, dtype);
            if (needs[0]) q = q.RequireGrad();
            if (needs[1]) k = k.RequireGrad();
            if (needs[2]) v = v.RequireGrad();
            var output = kernel.Forward(q, k, v);
            (output * TestGraphs.Randn(output.Shape, 4, dtype)).Sum().Backward();
            Array Grad(Tensor t) => t.Grad is null ? Array.Empty<float>() : ToArray(t.Grad);
            return (ToArray(output), Grad(q), Grad(k), Grad(v));
        }
        finally
        {
            SparseAttentionKernels<float>.SplitOverride = savedF;
            SparseAttentionKernels<double>.SplitOverride = savedD;
        }
    }

    private static Array ToArray(Tensor t) => t.DType == DType.F32 ? t.ToArray<float>() : t.ToArray<double>();

    public static TheoryData<DType, int> Widths() => new()
    {
        { DType.F32, 16 }, { DType.F32, 8 }, { DType.F32, 24 }, { DType.F64, 16 }, { DType.F64, 8 },
    };

    [Theory]
    [MemberData(nameof(Widths))]
    public void Split_passes_give_the_paired_passes_bits(DType dtype, int d)
    {
        // Rows of 1 to 45 keys (only a self-loop, the short-row, block and long-row paths), and the Sudoku graph.
        var degrees = Enumerable.Range(0, 300).Select(i => 1 + i % 45).ToArray();
        foreach (var graph in new[] { TestGraphs.Random(degrees, 5), TestGraphs.Sudoku(3) })
        {
            foreach (var needs in new[] { new[] { true, true, true }, new[] { false, true, true }, new[] { true, false, true }, new[] { true, true, false } })
            {
                var paired = Run(graph, dtype, d, split: false, needs, packed: false);
                var split = Run(graph, dtype, d, split: true, needs, packed: false);
                Assert.Equal(paired.Out, split.Out);
                Assert.Equal(paired.Dq, split.Dq);
                Assert.Equal(paired.Dk, split.Dk);
                Assert.Equal(paired.Dv, split.Dv);
            }
            var pairedQkv = Run(graph, dtype, d, split: false, [true, true, true], packed: true);
            var splitQkv = Run(graph, dtype, d, split: true, [true, true, true], packed: true);
            Assert.Equal(pairedQkv.Out, splitQkv.Out);
            Assert.Equal(pairedQkv.Dq, splitQkv.Dq);
        }
    }

    [Fact]
    public void Passes_split_only_when_two_packed_matrices_outgrow_three_quarters_of_the_L2_cache()
    {
        long l2 = CpuCaches.L2Bytes;
        int fits = (int)(l2 * 3 / 4 / (2 * 16 * sizeof(float)));
        Assert.False(SparseAttentionKernels<float>.SplitsPasses(fits, 16));
        Assert.True(SparseAttentionKernels<float>.SplitsPasses(fits + 1, 16));
        Assert.True(SparseAttentionKernels<double>.SplitsPasses(fits, 16));
    }

    [Theory]
    [InlineData("512K", 512L << 10)]
    [InlineData("1024K", 1L << 20)]
    [InlineData("2M", 2L << 20)]
    [InlineData("65536", 65536L)]
    [InlineData("", null)]
    [InlineData("K", null)]
    [InlineData("-4K", null)]
    [InlineData("big", null)]
    public void Cache_sizes_parse_as_sysfs_writes_them(string text, long? bytes) =>
        Assert.Equal(bytes, CpuCaches.ParseSize(text));
}
