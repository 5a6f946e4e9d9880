using System.Globalization;
using BenchmarkDotNet.Reports;

namespace GsdmCore.Bench;

/// <summary>Derived figures (GFLOP/s, fraction of peak, GB/s) from the measured medians.</summary>
internal static class Report
{
    public static void Print(IEnumerable<Summary> summaries)
    {
        var reports = summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics != null).ToList();
        string Param(BenchmarkReport r, string name) => r.BenchmarkCase.Parameters[name]?.ToString() ?? "";
        double Seconds(BenchmarkReport r) => r.ResultStatistics!.Median * 1e-9;

        var peak = new Dictionary<string, double>();
        foreach (var r in reports.Where(r => r.BenchmarkCase.Descriptor.Type == typeof(FmaPeakBenchmark)))
        {
            int threads = int.Parse(Param(r, "Threads"), CultureInfo.InvariantCulture);
            double flops = (double)threads * FmaPeakBenchmark.Iterations * FmaPeakBenchmark.Accumulators * FmaPeakBenchmark.Lanes * 2;
            peak[Param(r, "Threads")] = flops / Seconds(r) / 1e9;
            Console.WriteLine($"fma_peak threads={threads} gflops={peak[Param(r, "Threads")]:F1}");
        }

        foreach (var r in reports.Where(r => r.BenchmarkCase.Descriptor.Type == typeof(SgemmBenchmark)))
        {
            string shape = Param(r, "Shape"), threads = Param(r, "Threads");
            double gflops = SgemmBenchmark.FlopsOf(shape) / Seconds(r) / 1e9;
            string fraction = peak.TryGetValue(threads, out var p) ? $" of_peak={gflops / p:P1}" : "";
            Console.WriteLine($"sgemm shape={shape} threads={threads} ms={Seconds(r) * 1e3:F3} gflops={gflops:F1}{fraction}");
        }

        var memory = reports.Where(r => r.BenchmarkCase.Descriptor.Type == typeof(MemoryBoundBenchmark)).ToList();
        foreach (var r in memory)
        {
            string threads = Param(r, "Threads");
            var copy = memory.FirstOrDefault(c => c.BenchmarkCase.Descriptor.WorkloadMethod.Name == "Copy" && Param(c, "Threads") == threads);
            string ratio = copy != null ? $" time_vs_copy={Seconds(r) / Seconds(copy):F2}x" : "";
            Console.WriteLine($"{r.BenchmarkCase.Descriptor.WorkloadMethod.Name} threads={threads} ms={Seconds(r) * 1e3:F2} gbps={MemoryBoundBenchmark.BytesMoved / Seconds(r) / 1e9:F1}{ratio}");
        }
        // The spreads use each case's fastest iteration as well as its median: on a shared 2-vCPU machine the 2-thread
        // medians carry the neighbours' noise.
        var attention = reports.Where(r => r.BenchmarkCase.Descriptor.Type == typeof(SparseAttentionBenchmark)
            || r.BenchmarkCase.Descriptor.Type == typeof(MaskedDenseAttentionBenchmark)).ToList();
        PrintSparseAttention(attention, Param, Seconds, "median");
        PrintSparseAttention(attention, Param, r => r.ResultStatistics!.Min * 1e-9, "min");

        foreach (var r in reports.Where(r => r.BenchmarkCase.Descriptor.Type == typeof(BlockStepBenchmark)))
        {
            long? bytes = r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase);
            Console.WriteLine($"block_step threads={Param(r, "Threads")} ms={Seconds(r) * 1e3:F2} allocated_kib_per_step={(bytes ?? 0) / 1024.0:F1}");
        }
    }

    /// <summary>Time per stored edge (Sudoku) and per node (random graphs), their spread over sizes, and sparse vs masked dense at 81 nodes.</summary>
    private static void PrintSparseAttention(List<BenchmarkReport> reports, Func<BenchmarkReport, string, string> param, Func<BenchmarkReport, double> seconds, string statistic)
    {
        foreach (var threads in reports.Select(r => param(r, "Threads")).Distinct())
        {
            var sparse = reports.Where(r => param(r, "Threads") == threads && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == "Sparse").ToList();
            double[] perEdge = [.. Per(sparse, "sudoku-", g => SparseAttentionBenchmark.EdgesOf(g), param, seconds, threads, "edge", statistic)];
            double[] perNode = [.. Per(sparse, "random-", g => int.Parse(g[(g.IndexOf('-') + 1)..]), param, seconds, threads, "node", statistic)];
            if (perEdge.Length > 1) Console.WriteLine($"sparse_attention {statistic} threads={threads} sudoku_per_edge_spread={perEdge.Max() / perEdge.Min():F3}");
            if (perNode.Length > 1) Console.WriteLine($"sparse_attention {statistic} threads={threads} random_per_node_spread={perNode.Max() / perNode.Min():F3}");
            var sparse81 = sparse.FirstOrDefault(r => param(r, "Graph") == "sudoku-81");
            var masked81 = reports.FirstOrDefault(r => param(r, "Threads") == threads && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == "MaskedDense");
            if (sparse81 != null && masked81 != null)
                Console.WriteLine($"sparse_attention {statistic} threads={threads} sudoku-81 sparse_ms={seconds(sparse81) * 1e3:F3} masked_dense_ms={seconds(masked81) * 1e3:F3} ratio={seconds(sparse81) / seconds(masked81):F2}");
        }
    }

    private static IEnumerable<double> Per(List<BenchmarkReport> sparse, string prefix, Func<string, int> units,
        Func<BenchmarkReport, string, string> param, Func<BenchmarkReport, double> seconds, string threads, string unit, string statistic)
    {
        foreach (var r in sparse.Where(r => param(r, "Graph").StartsWith(prefix)))
        {
            string graph = param(r, "Graph");
            double ns = seconds(r) * 1e9 / (SparseAttentionBenchmark.Batch * SparseAttentionBenchmark.Heads * (double)units(graph));
            Console.WriteLine($"sparse_attention {statistic} threads={threads} graph={graph} ms={seconds(r) * 1e3:F3} ns_per_{unit}={ns:F2}");
            yield return ns;
        }
    }
}

