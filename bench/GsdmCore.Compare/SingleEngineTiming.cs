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
            var trainMs = Times(() => engine.TrainStep(), o);
            var sampleMs = Times(() => engine.SampleStep(), o);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"single case={c.Name} engine={engine.Name} reps={o.Reps} train_ms_min={trainMs[0]:F2} train_ms_p25={trainMs[o.Reps / 4]:F2} train_ms_median={trainMs[o.Reps / 2]:F2} sample_ms_min={sampleMs[0]:F2} sample_ms_p25={sampleMs[o.Reps / 4]:F2} sample_ms_median={sampleMs[o.Reps / 2]:F2}"));
        }
    }

    /// <summary>Sorted step times after the warm-up.</summary>
    private static double[] Times(Action step, CompareOptions o)
    {
        for (int i = 0; i < o.Warmup; i++) step();
        var ms = new double[o.Reps];
        for (int i = 0; i < o.Reps; i++)
        {
            long start = Stopwatch.GetTimestamp();
            step();
            ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(ms);
        return ms;
    }
}
