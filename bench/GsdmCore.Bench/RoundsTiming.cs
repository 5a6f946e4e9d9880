using System.Diagnostics;
using System.Globalization;

namespace GsdmCore.Bench;

/// <summary>
/// Times several calls in rounds, every call once per round for about 0.2 s, so that each sees every phase of a shared
/// machine whose phases move a sub-millisecond call by 2-4x; the fastest call is the figure that repeats.
/// </summary>
internal static class RoundsTiming
{
    /// <summary>Every call's times in ms, after three warm-up calls each.</summary>
    public static List<double>[] Times(Action[] calls, int rounds)
    {
        var times = calls.Select(_ => new List<double>()).ToArray();
        foreach (var call in calls)
            for (int i = 0; i < 3; i++) call();
        for (int round = 0; round < rounds; round++)
            for (int c = 0; c < calls.Length; c++)
            {
                long start = Stopwatch.GetTimestamp();
                do
                {
                    long t0 = Stopwatch.GetTimestamp();
                    calls[c]();
                    times[c].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                } while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 200);
            }
        return times;
    }

    /// <summary>The rounds argument of a bench mode (<c>--mode [rounds]</c>), 5 when absent.</summary>
    public static int Rounds(string[] args) => args.Length > 1 && int.TryParse(args[1], out int r) && r > 0 ? r : 5;

    /// <summary>An output line with invariant number formats.</summary>
    public static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
