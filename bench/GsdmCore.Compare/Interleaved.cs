using System.Diagnostics;

namespace GsdmCore.Compare;

/// <summary>Times several actions interleaved (A B C A B C ...) after a warm-up and returns each one's median in ms.</summary>
internal static class Interleaved
{
    public static double[] Medians(IReadOnlyList<Action> actions, int warmup, int reps)
    {
        for (int w = 0; w < warmup; w++)
            foreach (var a in actions) a();
        var samples = actions.Select(_ => new double[reps]).ToArray();
        for (int r = 0; r < reps; r++)
            for (int i = 0; i < actions.Count; i++)
            {
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
