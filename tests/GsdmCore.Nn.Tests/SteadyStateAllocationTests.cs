using GsdmCore.Backends.Cpu;
using Xunit;
using Xunit.Abstractions;

namespace GsdmCore.Nn.Tests;

/// <summary>
/// A training step of the denoiser's building blocks inside a <see cref="TensorScope"/> takes all tensor memory
/// from the pool and allocates only small bookkeeping objects. Not timed. In the MaxThreads collection, which runs
/// alone, so no other test's tensors pass through the pool meanwhile.
/// </summary>
[Collection("MaxThreads")]
public class SteadyStateAllocationTests(ITestOutputHelper output)
{
    /// <summary>
    /// Managed bytes one step may allocate on the calling thread: about twice the ~100 KiB measured (ResNet + attention
    /// block, batch 32, 81 nodes, 128 channels, one thread). The step's tensor memory alone is over 70 MiB.
    /// </summary>
    private const long StepBudgetBytes = 200 * 1024;

    [Fact]
    public void Scoped_resnet_attention_training_step_allocates_little_and_reuses_the_pool()
    {
        int saved = CpuParallel.MaxThreads;
        try
        {
            // One thread: Parallel.For's own bookkeeping (on the calling thread too) would otherwise scale with the core count.
            CpuParallel.MaxThreads = 1;
            var generator = new Generator(1);
            var res = new ResNetBlock(128, 128, 128, 32, generator);
            var attention = new AttentionBlock(128, 8, new SparseAttention(TestGraphs.Sudoku(3)), generator);
            var x = Tensor.Randn([32, 81, 128], new Generator(2)).RequireGrad();
            var temb = Tensor.Randn([32, 128], new Generator(3));
            var nodeEmbedding = Tensor.Randn([81, 32], new Generator(4));
            var optimizer = new AdamW(res.Parameters().Concat(attention.Parameters()), 1e-4);

            long pooledAfterStep3 = 0, worst = 0;
            for (int step = 1; step <= 10; step++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                using (TensorScope.Begin())
                {
                    var y = attention.Forward(res.Forward(x, temb, nodeEmbedding));
                    y.Square().Mean().Backward();
                    optimizer.Step();
                    optimizer.ZeroGrad();
                    x.Grad = null;
                }
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                output.WriteLine($"step {step}: {allocated / 1024.0:F1} KiB allocated, {CpuBufferPool.PooledBytes / 1048576.0:F1} MiB pooled");
                if (step == 3) pooledAfterStep3 = CpuBufferPool.PooledBytes;
                if (step >= 3) worst = Math.Max(worst, allocated);
            }
            Assert.True(worst < StepBudgetBytes,
                $"a warmed-up step allocated {worst / 1024.0:F1} KiB on the calling thread; the budget is {StepBudgetBytes / 1024} KiB.");
            Assert.True(pooledAfterStep3 > 0);
            Assert.Equal(pooledAfterStep3, CpuBufferPool.PooledBytes);
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }
    /// <summary>
    /// Managed bytes a captured block step (replay of forward + backward, then AdamW) may allocate on the calling
    /// thread: the optimiser's step and the scope are a handful of small objects; the replay itself is none.
    /// </summary>
    private const long CapturedStepBudgetBytes = 1024;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_captured_resnet_attention_step_allocates_nothing_but_a_few_small_objects(int threads)
    {
        int saved = CpuParallel.MaxThreads;
        try
        {
            CpuParallel.MaxThreads = threads;
            var generator = new Generator(1);
            var res = new ResNetBlock(128, 128, 128, 32, generator);
            var attention = new AttentionBlock(128, 8, new SparseAttention(TestGraphs.Sudoku(3)), generator);
            var x = Tensor.Randn([32, 81, 128], new Generator(2)).RequireGrad();
            var temb = Tensor.Randn([32, 128], new Generator(3));
            var nodeEmbedding = Tensor.Randn([81, 32], new Generator(4));
            var parameters = res.Parameters().Concat(attention.Parameters()).ToArray();
            var optimizer = new AdamW(parameters, 1e-4);
            using var step = CapturedStep.Capture(() =>
            {
                var loss = attention.Forward(res.Forward(x, temb, nodeEmbedding)).Square().Mean();
                loss.Backward();
                return loss;
            }, parameters);

            // The calling thread's bytes: the workers' region bodies allocate nothing (ParallelRegionAllocationTests),
            // and the process-wide count would include the test runner's own threads.
            long worstReplay = 0, worstStep = 0;
            for (int i = 1; i <= 8; i++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                step.Replay();
                long replay = GC.GetAllocatedBytesForCurrentThread() - before;
                using (TensorScope.Begin())
                {
                    optimizer.Step();
                    optimizer.ZeroGrad();
                }
                long all = GC.GetAllocatedBytesForCurrentThread() - before;
                output.WriteLine($"step {i}: replay {replay} B, replay + AdamW {all} B");
                if (i >= 3)
                {
                    worstReplay = Math.Max(worstReplay, replay);
                    worstStep = Math.Max(worstStep, all);
                }
            }
            Assert.Equal(0, worstReplay);
            Assert.True(worstStep <= CapturedStepBudgetBytes,
                $"a warmed-up captured step (replay + AdamW) allocated {worstStep} B; the budget is {CapturedStepBudgetBytes} B.");
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }
}
