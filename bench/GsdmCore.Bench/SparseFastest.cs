using System.Diagnostics;
using System.Globalization;
using GsdmCore.Backends.Cpu;

namespace GsdmCore.Bench;

/// <summary>
/// <c>--sparse-fastest [rounds]</c>: the <see cref="SparseAttentionBenchmark"/> cases and the 81-node
/// <see cref="MaskedDenseAttentionBenchmark"/> timed in process, without BenchmarkDotNet,
/// reporting each case's fastest and median call and the spreads from the fastest. On a shared machine whose phases
/// move a sub-millisecond case by 2-4x between BenchmarkDotNet iterations, the fastest of a few hundred calls is the
/// figure that repeats; the graphs run in rounds (every graph once per round) so each sees every phase.
/// </summary>
internal static class SparseFastest
{
    public static void Run(string[] args)
    {
        int rounds = args.Length > 1 && int.TryParse(args[1], out int r) && r > 0 ? r : 5;
        string[] graphs = ["sudoku-81", "sudoku-256", "sudoku-625", "sudoku-1296", "random-81", "random-300", "random-1000", "random-5000"];
        foreach (int threads in new[] { 1, 2 })
        {
            var sparse = graphs.Select(g => new SparseAttentionBenchmark { Graph = g, Threads = threads }).ToArray();
            var masked = new MaskedDenseAttentionBenchmark { Threads = threads };
            foreach (var c in sparse) c.Setup();
            masked.Setup();
            // The eight graphs, then masked dense attention on the 81-node Sudoku graph.
            var calls = sparse.Select(c => (Action)c.Sparse).Append(masked.MaskedDense).ToArray();
            var times = calls.Select(_ => new List<double>()).ToArray();
            foreach (var call in calls)
                for (int i = 0; i < 3; i++) call();
            for (int round = 0; round < rounds; round++)
                for (int g = 0; g < calls.Length; g++)
                {
                    CpuParallel.MaxThreads = threads;
                    // About 0.2 s of calls per case and round.
                    long start = Stopwatch.GetTimestamp();
                    do
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        calls[g]();
                        times[g].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    } while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 200);
                }
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

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
