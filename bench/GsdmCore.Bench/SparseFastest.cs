using GsdmCore.Backends.Cpu;

using static GsdmCore.Bench.RoundsTiming;

namespace GsdmCore.Bench;

/// <summary>
/// <c>--sparse-fastest [rounds]</c>: the <see cref="SparseAttentionBenchmark"/> cases and the 81-node
/// <see cref="MaskedDenseAttentionBenchmark"/> timed in process (<see cref="RoundsTiming"/>), without BenchmarkDotNet,
/// reporting each case's fastest and median call and the spreads from the fastest.
/// </summary>
internal static class SparseFastest
{
    public static void Run(string[] args)
    {
        int rounds = Rounds(args);
        string[] graphs = ["sudoku-81", "sudoku-256", "sudoku-625", "sudoku-1296", "random-81", "random-300", "random-1000", "random-5000"];
        foreach (int threads in new[] { 1, 2 })
        {
            var sparse = graphs.Select(g => new SparseAttentionBenchmark { Graph = g, Threads = threads }).ToArray();
            var masked = new MaskedDenseAttentionBenchmark { Threads = threads };
            foreach (var c in sparse) c.Setup();
            masked.Setup();
            // The eight graphs, then masked dense attention on the 81-node Sudoku graph.
            var calls = sparse.Select(c => (Action)c.Sparse).Append(masked.MaskedDense).ToArray();
            CpuParallel.MaxThreads = threads;
            var times = Times(calls, rounds);
            var perUnit = new Dictionary<string, double>();
            for (int g = 0; g < graphs.Length; g++)
            {
                var sorted = times[g].Order().ToArray();
                var graph = BenchGraphs.Parse(graphs[g]);
                bool sudoku = graphs[g].StartsWith("sudoku", StringComparison.Ordinal);
                double units = (double)SparseAttentionBenchmark.Batch * SparseAttentionBenchmark.Heads * (sudoku ? graph.EdgeCount : graph.Nodes);
                perUnit[graphs[g]] = sorted[0] * 1e6 / units;
                Console.WriteLine(Inv($"sparse_fastest threads={threads} graph={graphs[g]} calls={sorted.Length} fastest_ms={sorted[0]:F3} median_ms={sorted[sorted.Length / 2]:F3} ns_per_{(sudoku ? "edge" : "node")}={perUnit[graphs[g]]:F2}"));
            }
            var dense = times[^1].Order().ToArray();
            double sparse81 = times[0].Min();
            Console.WriteLine(Inv($"sparse_fastest threads={threads} masked_dense_sudoku-81 calls={dense.Length} fastest_ms={dense[0]:F3} median_ms={dense[dense.Length / 2]:F3} sparse_over_masked_dense={sparse81 / dense[0]:F3}"));
            double Spread(string prefix) => perUnit.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).Max(p => p.Value)
                / perUnit.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).Min(p => p.Value);
            Console.WriteLine(Inv($"sparse_fastest threads={threads} sudoku_per_edge_spread={Spread("sudoku"):F3} random_per_node_spread={Spread("random"):F3}"));
            foreach (var c in sparse) c.Restore();
            masked.Restore();
        }
    }
}
