using System.Diagnostics;

namespace GsdmCore.Compare;

/// <summary>Times several actions interleaved (A B C A B C ...) after a warm-up and returns each one's median in ms.</summary>
/// <remarks>
/// Before each timed action the thread sleeps <c>settleMs</c>, untimed. An engine's idle workers keep spinning for a
/// while after its step (libtorch's OpenMP threads for milliseconds, GsdmCore's for 200 µs); without the pause the
/// next engine shares its cores with them. On 2 cores that added about 7 ms to GsdmCore's 18 ms Sudoku sampling step
/// and nothing measurable to libtorch's (docs/performance.md).
/// </remarks>
internal static class Interleaved
{
    public static double[] Medians(IReadOnlyList<Action> actions, int warmup, int reps, int settleMs)
    {
        for (int w = 0; w < warmup; w++)
            foreach (var a in actions) a();
        var samples = actions.Select(_ => new double[reps]).ToArray();
        for (int r = 0; r < reps; r++)
            for (int i = 0; i < actions.Count; i++)
            {
                if (settleMs > 0) Thread.Sleep(settleMs);
                long start = Stopwatch.GetTimestamp();
                actions[i]();
                samples[i][r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        return samples.Select(Median).ToArray();
    }

    public static double Median(double[] values)
    {
        var s = values.OrderBy(v => v).ToArray();
        int m = s.Length / 2;
        return s.Length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
    }
}
