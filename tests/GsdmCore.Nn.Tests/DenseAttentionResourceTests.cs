using GsdmCore.Backends.Cpu;
using GsdmCore.Nn;
using Xunit;

namespace GsdmCore.Nn.Tests;

/// <summary>
/// Thread-count independence and memory of the fused dense attention. In the MaxThreads collection, which runs alone,
/// so no other test's tensors pass through the buffer pool meanwhile.
/// </summary>
[Collection("MaxThreads")]
public class DenseAttentionResourceTests
{
    private static (float[] Out, float[] Dq, float[] Dk, float[] Dv) Run(int threads, bool nodeMajor)
    {
        int saved = CpuParallel.MaxThreads;
        try
        {
            CpuParallel.MaxThreads = threads;
            const int n = 81;
            var shape = nodeMajor ? new[] { 4, n, 4, 20 } : new[] { 4, 4, n, 20 };
            var q = Tensor.Randn(shape, new Generator(1)).RequireGrad();
            var k = Tensor.Randn(shape, new Generator(2)).RequireGrad();
            var v = Tensor.Randn(shape, new Generator(3)).RequireGrad();
            var w = Tensor.Randn([4, 4, n, 20], new Generator(4));
            Tensor View(Tensor t) => nodeMajor ? t.Permute(0, 2, 1, 3) : t;
            var o = new DenseAttention().Forward(View(q), View(k), View(v));
            (o * w).Sum().Backward();
            return (o.ToArray(), q.Grad!.ToArray(), k.Grad!.ToArray(), v.Grad!.ToArray());
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dense_kernel_is_bit_identical_for_one_and_two_threads(bool nodeMajor)
    {
        // 16 (batch, head) pairs, one work item each, so two threads really split the work.
        var one = Run(1, nodeMajor);
        var two = Run(2, nodeMajor);
        Assert.Equal(one.Out, two.Out);
        Assert.Equal(one.Dq, two.Dq);
        Assert.Equal(one.Dk, two.Dk);
        Assert.Equal(one.Dv, two.Dv);
    }

    /// <summary>Bytes of tensor memory <paramref name="forward"/> takes inside a scope (all returned to the emptied pool when it ends).</summary>
    private static long ScopedBytes(Func<Tensor> forward)
    {
        CpuBufferPool.Trim();
        using (TensorScope.Begin()) forward();
        long bytes = CpuBufferPool.PooledBytes;
        CpuBufferPool.Trim();
        return bytes;
    }

    [Fact]
    public void Forward_keeps_only_the_probabilities_besides_its_output()
    {
        const int b = 2, h = 3, n = 50, d = 8;
        var q = Tensor.Randn([b, h, n, d], new Generator(1)).RequireGrad();
        var k = Tensor.Randn([b, h, n, d], new Generator(2)).RequireGrad();
        var v = Tensor.Randn([b, h, n, d], new Generator(3)).RequireGrad();
        long output = b * h * n * d * sizeof(float), square = b * h * n * n * sizeof(float);
        var kernel = new DenseAttention();

        Assert.Equal(output + square, ScopedBytes(() => kernel.Forward(q, k, v)));
        // Nothing of size N^2 without a gradient to record: the probabilities go to per-thread scratch.
        using (GradMode.Disable()) Assert.Equal(output, ScopedBytes(() => kernel.Forward(q, k, v)));
        Assert.Equal(output, ScopedBytes(() => kernel.Forward(q.Detach(), k.Detach(), v.Detach())));
        // The composed formula holds logits, scaled logits and probabilities.
        Assert.True(ScopedBytes(() => DenseAttentionTests.Composed(q, k, v, null)) >= output + 3 * square);
    }
}
