using GsdmCore.Backends.Cpu;
using GsdmCore.Nn;
using Xunit;

namespace GsdmCore.Nn.Tests;

[CollectionDefinition("MaxThreads", DisableParallelization = true)]
public class MaxThreadsCollection;

[Collection("MaxThreads")]
public class ThreadingTests
{
    private static (float[] Out, float[] Dq, float[] Dk, float[] Dv) Run(SparseGraph graph, int threads)
    {
        int saved = CpuParallel.MaxThreads;
        try
        {
            CpuParallel.MaxThreads = threads;
            var shape = new[] { 4, 4, graph.Nodes, 16 };
            var q = Tensor.Randn(shape, new Generator(1)).RequireGrad();
            var k = Tensor.Randn(shape, new Generator(2)).RequireGrad();
            var v = Tensor.Randn(shape, new Generator(3)).RequireGrad();
            var w = Tensor.Randn(shape, new Generator(4));
            var o = new SparseAttention(graph).Forward(q, k, v);
            (o * w).Sum().Backward();
            return (o.ToArray(), q.Grad!.ToArray(), k.Grad!.ToArray(), v.Grad!.ToArray());
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }

    [Fact]
    public void Sparse_kernel_is_bit_identical_for_one_and_two_threads()
    {
        // 256 nodes x 16 (batch, head) pairs: many chunks, so two threads really split the work.
        var graph = TestGraphs.Sudoku(4);
        var one = Run(graph, 1);
        var two = Run(graph, 2);
        Assert.Equal(one.Out, two.Out);
        Assert.Equal(one.Dq, two.Dq);
        Assert.Equal(one.Dk, two.Dk);
        Assert.Equal(one.Dv, two.Dv);
    }
}
