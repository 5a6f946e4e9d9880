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
    }
}
