using GsdmCore.Backends.Cpu;
using GsdmCore.Nn;
using Xunit;

namespace GsdmCore.Nn.Tests;

[CollectionDefinition("MaxThreads", DisableParallelization = true)]
public class MaxThreadsCollection;

[Collection("MaxThreads")]
public class ThreadingTests
{
    private static (float[] Out, float[] Dq, float[] Dk, float[] Dv) Run(SparseGraph graph, int threads, bool nodeMajor = false)
    {
        int saved = CpuParallel.MaxThreads;
        try
        {
            CpuParallel.MaxThreads = threads;
            var shape = nodeMajor ? new[] { 4, graph.Nodes, 4, 16 } : new[] { 4, 4, graph.Nodes, 16 };
            var q = Tensor.Randn(shape, new Generator(1)).RequireGrad();
            var k = Tensor.Randn(shape, new Generator(2)).RequireGrad();
            var v = Tensor.Randn(shape, new Generator(3)).RequireGrad();
            var w = Tensor.Randn([4, 4, graph.Nodes, 16], new Generator(4));
            Tensor View(Tensor t) => nodeMajor ? t.Permute(0, 2, 1, 3) : t;
            var o = new SparseAttention(graph).Forward(View(q), View(k), View(v));
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

    [Fact]
    public void Sparse_kernel_is_bit_identical_for_one_and_two_threads_on_strided_views_with_empty_rows()
    {
        // Rows 0, 7, 14, ... attend to nothing (no self-loops required); the inputs are node-major views.
        int n = 120;
        var rng = new Random(6);
        var pointers = new int[n + 1];
        var columns = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (i % 7 != 0)
                columns.AddRange(Enumerable.Range(0, n).Where(_ => rng.Next(8) == 0));
            pointers[i + 1] = columns.Count;
        }
        var graph = new SparseGraph(n, pointers, columns.ToArray(), requireSelfLoops: false);
        var one = Run(graph, 1, nodeMajor: true);
        var two = Run(graph, 2, nodeMajor: true);
        Assert.Equal(one.Out, two.Out);
        Assert.Equal(one.Dq, two.Dq);
        Assert.Equal(one.Dk, two.Dk);
        Assert.Equal(one.Dv, two.Dv);
    }

    [Fact]
    public void Clip_adam_and_ema_are_bit_identical_for_one_and_two_threads()
    {
        // A 250 x 200 weight and its bias: several parallel chunks of the clip's sum of squares and of the elementwise
        // updates, in one loop over both parameters.
        float[][] Run(int threads)
        {
            int saved = CpuParallel.MaxThreads;
            try
            {
                CpuParallel.MaxThreads = threads;
                var layer = new Linear(250, 200, new Generator(11));
                var p = layer.Weight;
                var ema = new ExponentialMovingAverage(layer, decay: 0.9);
                var adam = new AdamW(layer.Parameters(), learningRate: 1e-2);
                for (int step = 0; step < 3; step++)
                {
                    p.Grad = Tensor.Randn(p.Shape, new Generator(20 + (ulong)step)) * 3;
                    layer.Bias!.Grad = Tensor.Randn(layer.Bias.Shape, new Generator(40 + (ulong)step));
                    GradClipping.ClipGradNorm(layer.Parameters(), maxNorm: 1);
                    adam.Step();
                    ema.Update();
                }
                float[] trained = p.ToArray<float>(), trainedBias = layer.Bias.ToArray<float>();
                ema.SwapIn();
                return [trained, trainedBias, p.ToArray<float>(), layer.Bias.ToArray<float>()];
            }
            finally
            {
                CpuParallel.MaxThreads = saved;
            }
        }

        var one = Run(1);
        var two = Run(2);
        for (int k = 0; k < one.Length; k++) Assert.Equal(one[k], two[k]);
    }
}
