using FsCheck;
using FsCheck.Xunit;
using GsdmCore.Autograd;
using GsdmCore.Backends;
using GsdmCore.Nn;
using Xunit;

namespace GsdmCore.Nn.Tests;

/// <summary>
/// <see cref="SparseAttention.ForwardPacked"/> against <see cref="SparseAttention.Forward"/> on the three slices of the
/// packed tensor, and the attention block's fused Q/K/V projection against three separate projections.
/// </summary>
public class PackedQkvAttentionTests
{
    [Property(MaxTest = 30)]
    public void Packed_equals_separate_slices_in_values_and_gradients(PositiveInt nodesSeed, PositiveInt seed, bool unscaled)
    {
        int n = 1 + nodesSeed.Get % 20;
        var rng = new Random(seed.Get);
        var degrees = Enumerable.Range(0, n).Select(_ => rng.Next(3) switch { 0 => 1, 1 => n, _ => 1 + rng.Next(n) }).ToArray();
        var attention = new SparseAttention(TestGraphs.Random(degrees, seed.Get), unscaled ? 1.0 : null);
        int batch = 1 + rng.Next(3), heads = 1 + rng.Next(3), d = 1 + rng.Next(6), c = heads * d;
        var qkv0 = TestGraphs.Randn([batch, n, 3 * c], (ulong)seed.Get);
        var w = TestGraphs.Randn([batch, heads, n, d], (ulong)seed.Get + 1);

        var packed = qkv0.Clone().RequireGrad();
        var fused = attention.ForwardPacked(packed, heads);
        (fused * w).Sum().Backward();

        var separate = qkv0.Clone().RequireGrad();
        Tensor Slice(int part) => separate.Narrow(2, part * c, c).Reshape(batch, n, heads, d).Permute(0, 2, 1, 3);
        var composed = attention.Forward(Slice(0), Slice(1), Slice(2));
        (composed * w).Sum().Backward();

        SparseAttentionTests.AssertClose(composed.ToArray<double>(), fused.ToArray<double>(), "output", 1e-14);
        SparseAttentionTests.AssertClose(separate.Grad!.ToArray<double>(), packed.Grad!.ToArray<double>(), "dqkv", 1e-14);
    }

    [Fact]
    public void Without_gradients_nothing_is_recorded()
    {
        var attention = new SparseAttention(TestGraphs.Sudoku(2));
        var qkv = TestGraphs.Randn([2, 16, 3 * 8], 3).RequireGrad();
        using (GradMode.Disable()) Assert.Null(attention.ForwardPacked(qkv, 2).Node);
        Assert.NotNull(attention.ForwardPacked(qkv, 2).Node);
    }

    [Theory]
    [InlineData(new[] { 2, 16, 25 })] // 25 channels are not 3 x a multiple of the heads
    [InlineData(new[] { 2, 15, 24 })] // 15 nodes, the graph has 16
    [InlineData(new[] { 16, 24 })]
    public void Bad_shapes_are_named(int[] shape)
    {
        var attention = new SparseAttention(TestGraphs.Sudoku(2));
        var error = Assert.Throws<TensorShapeException>(() => attention.ForwardPacked(Tensor.Zeros(shape, DType.F64), 2));
        Assert.Contains("sparse_attention", error.Message);
        Assert.Contains("qkv", error.Message);
    }

    /// <summary>The sparse kernel behind another type, so that the block takes its three-projection path.</summary>
    private sealed class Unfused(SparseAttention inner) : IAttentionKernel
    {
        public Tensor Forward(Tensor q, Tensor k, Tensor v) => inner.Forward(q, k, v);
    }

    [Fact]
    public void Attention_block_with_fused_projection_equals_three_projections()
    {
        var graph = TestGraphs.Sudoku(2);
        var x0 = TestGraphs.Randn([3, 16, 16], 11);
        var w = TestGraphs.Randn([3, 16, 16], 12);

        (double[] Out, double[] Dx, Dictionary<string, double[]> Grads) Run(bool fused)
        {
            var block = new AttentionBlock(16, 4, new SparseAttention(graph), new Generator(5), groups: 4, dtype: DType.F64);
            if (!fused) block.Kernel = new Unfused(new SparseAttention(graph));
            var x = x0.Clone().RequireGrad();
            var y = block.Forward(x);
            (y * w).Sum().Backward();
            return (y.ToArray<double>(), x.Grad!.ToArray<double>(),
                block.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Grad!.ToArray<double>()));
        }

        var (fusedOut, fusedDx, fusedGrads) = Run(fused: true);
        var (plainOut, plainDx, plainGrads) = Run(fused: false);
        SparseAttentionTests.AssertClose(plainOut, fusedOut, "output", 1e-13);
        SparseAttentionTests.AssertClose(plainDx, fusedDx, "dx", 1e-13);
        Assert.Equal(plainGrads.Keys.Order(), fusedGrads.Keys.Order());
        foreach (var (name, grad) in plainGrads) SparseAttentionTests.AssertClose(grad, fusedGrads[name], name, 1e-13);
        Assert.Contains("q.weight", fusedGrads.Keys);
    }
}
