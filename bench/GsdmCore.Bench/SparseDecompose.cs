using GsdmCore.Autograd;
using GsdmCore.Backends.Cpu;
using GsdmCore.Nn;

using static GsdmCore.Bench.RoundsTiming;

namespace GsdmCore.Bench;

/// <summary>
/// <c>--sparse-decompose [rounds]</c>: where the sparse kernel's time per node grows between random graphs of 81 and
/// 5000 nodes (degree 21, head dim 16, forward + backward, fastest of many calls, one thread: with two, the cases of a
/// single item leave a thread idle). Three more cases take the growth apart:
/// <list type="bullet">
/// <item>batch 1 x 1 head at 5000 nodes: every tensor (320 KB each) stays in L3 between calls, so the difference to
/// batch 8 x 8 heads is the streams from and to memory;</item>
/// <item>a "local" 5000-node graph (each row's keys within 100 nodes of it) at batch 1 x 1 head: the same work, with
/// the gathers into the packed K and V served from L1, so the difference to the random graph is the gathers' misses;</item>
/// <item>the local graph at batch 8 x 8 heads, as a check that the two parts add up.</item>
/// </list>
/// </summary>
internal static class SparseDecompose
{
    private const int HeadDim = SparseAttentionBenchmark.HeadDim;

    private sealed record Case(string Name, SparseGraph Graph, int Batch, int Heads);

    public static void Run(string[] args)
    {
        int rounds = Rounds(args);
        var random81 = BenchGraphs.Random(81, BenchGraphs.RandomDegree, seed: 1);
        var random5000 = BenchGraphs.Random(5000, BenchGraphs.RandomDegree, seed: 1);
        var local5000 = BenchGraphs.Random(5000, BenchGraphs.RandomDegree, seed: 1, window: 100);
        Case[] cases =
        [
            new("random-81 b8h8", random81, SparseAttentionBenchmark.Batch, SparseAttentionBenchmark.Heads),
            new("random-5000 b8h8", random5000, SparseAttentionBenchmark.Batch, SparseAttentionBenchmark.Heads),
            new("random-5000 b1h1", random5000, 1, 1),
            new("local-5000 b1h1", local5000, 1, 1),
            new("local-5000 b8h8", local5000, SparseAttentionBenchmark.Batch, SparseAttentionBenchmark.Heads),
        ];
        var calls = cases.Select(Prepare).ToArray();
        try
        {
            CpuParallel.MaxThreads = 1;
            var fastest = Times(calls, rounds).Select(t => t.Min()).ToArray();
            var perNode = cases.Select((c, i) => fastest[i] * 1e6 / ((double)c.Batch * c.Heads * c.Graph.Nodes)).ToArray();
            for (int i = 0; i < cases.Length; i++)
                Console.WriteLine(Inv($"sparse_decompose threads=1 case=\"{cases[i].Name}\" fastest_ms={fastest[i]:F3} ns_per_node={perNode[i]:F1}"));
            double growth = perNode[1] - perNode[0], streams = perNode[1] - perNode[2], gathers = perNode[2] - perNode[3];
            Console.WriteLine(Inv($"sparse_decompose threads=1 growth_81_to_5000_ns={growth:F1} streams_ns={streams:F1} gathers_ns={gathers:F1} rest_ns={growth - streams - gathers:F1} spread={perNode[1] / perNode[0]:F3}"));
        }
        finally
        {
            CpuParallel.MaxThreads = Environment.ProcessorCount;
        }
    }

    /// <summary>One forward + backward of the case's sparse attention on fixed random inputs.</summary>
    private static Action Prepare(Case c)
    {
        var kernel = new SparseAttention(c.Graph);
        int[] shape = [c.Batch, c.Heads, c.Graph.Nodes, HeadDim];
        var q = Tensor.Randn(shape, new Generator(1)).RequireGrad();
        var k = Tensor.Randn(shape, new Generator(2)).RequireGrad();
        var v = Tensor.Randn(shape, new Generator(3)).RequireGrad();
        var gradOutput = Tensor.Randn(shape, new Generator(4));
        return () => SparseAttentionBenchmark.Step(kernel, q, k, v, gradOutput);
    }
}
