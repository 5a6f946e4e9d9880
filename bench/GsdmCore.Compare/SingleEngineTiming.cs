using System.Diagnostics;
using System.Globalization;

namespace GsdmCore.Compare;

/// <summary>
/// <c>--engine gsdm|torch</c> without <c>--peak</c>: times one engine alone (no checks, no other engine), for comparing
/// builds of one engine against each other. Prints the fastest, lower-quartile and median step, which on a shared,
/// noisy machine say more together than a median alone.
/// </summary>
internal static class SingleEngineTiming
{
    public static void Run(BenchCase c, CompareOptions o)
    {
        IEngine engine = CaseSetup.For(c).Engine(c, o);
        using (engine)
        {
            var (trainMs, trainBytes) = Times(() => engine.TrainStep(), o);
            var (sampleMs, sampleBytes) = Times(() => engine.SampleStep(), o);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"single case={c.Name} engine={engine.Name} reps={o.Reps} train_ms_min={trainMs[0]:F2} train_ms_p25={trainMs[o.Reps / 4]:F2} train_ms_median={trainMs[o.Reps / 2]:F2} sample_ms_min={sampleMs[0]:F2} sample_ms_p25={sampleMs[o.Reps / 4]:F2} sample_ms_median={sampleMs[o.Reps / 2]:F2} train_alloc_kib={trainBytes / 1024.0:F1} sample_alloc_kib={sampleBytes / 1024.0:F1}"));
        }
    }

    /// <summary>
    /// Sorted step times after the warm-up, and the managed bytes a step allocated on average (every thread's, as
    /// <see cref="GC.GetTotalAllocatedBytes"/> counts them: the workers' allocations are the step's too).
    /// </summary>
    private static (double[] Ms, double BytesPerStep) Times(Action step, CompareOptions o)
    {
        for (int i = 0; i < o.Warmup; i++) step();
        var ms = new double[o.Reps];
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < o.Reps; i++)
        {
            long start = Stopwatch.GetTimestamp();
            step();
            ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        double bytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)o.Reps;
        Array.Sort(ms);
        return (ms, bytes);
    }
}
