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
    /// <summary>The measured step's network and inputs: a ResNet + sparse attention block, batch 32, 81 nodes, 128 channels.</summary>
    private sealed class Block
    {
        private readonly ResNetBlock _res;
        private readonly AttentionBlock _attention;
        private readonly Tensor _temb, _nodeEmbedding;

        public Block()
        {
            var generator = new Generator(1);
            _res = new ResNetBlock(128, 128, 128, 32, generator);
            _attention = new AttentionBlock(128, 8, new SparseAttention(TestGraphs.Sudoku(3)), generator);
            X = Tensor.Randn([32, 81, 128], new Generator(2)).RequireGrad();
            _temb = Tensor.Randn([32, 128], new Generator(3));
            _nodeEmbedding = Tensor.Randn([81, 32], new Generator(4));
            Parameters = _res.Parameters().Concat(_attention.Parameters()).ToArray();
        }

        /// <summary>The block's input, which requires a gradient.</summary>
        public Tensor X { get; }

        /// <summary>Both blocks' parameters.</summary>
        public Tensor[] Parameters { get; }

        /// <summary>mean(attention(resnet(x))^2).</summary>
        public Tensor Loss() => _attention.Forward(_res.Forward(X, _temb, _nodeEmbedding)).Square().Mean();
    }

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
            var block = new Block();
            var optimizer = new AdamW(block.Parameters, 1e-4);

            long pooledAfterStep3 = 0, worst = 0;
            for (int step = 1; step <= 10; step++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                using (TensorScope.Begin())
                {
                    block.Loss().Backward();
                    optimizer.Step();
                    optimizer.ZeroGrad();
                    block.X.Grad = null;
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
            var block = new Block();
            var optimizer = new AdamW(block.Parameters, 1e-4);
            using var step = CapturedStep.Capture(() =>
            {
                var loss = block.Loss();
                loss.Backward();
                return loss;
            }, block.Parameters);

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
