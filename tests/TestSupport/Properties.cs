using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace GsdmCore.TestSupport;

/// <summary>
/// Runs an FsCheck property with a seed derived from its name, so a run is reproducible. Set
/// GSDM_PROPERTY_SEED to an integer to explore other seeds, or to "random" for fresh ones each run, and
/// GSDM_PROPERTY_SCALE to a whole number to run that many times more cases.
/// </summary>
public static class Properties
{
    public static void Check<T>(string name, Gen<T> gen, Action<T> body, int maxTest = 40)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("GSDM_PROPERTY_SCALE"), out int scale) && scale > 1) maxTest *= scale;
        var config = Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithQuietOnSuccess(true).WithName(name);
        var seed = Environment.GetEnvironmentVariable("GSDM_PROPERTY_SEED");
        if (seed != "random")
        {
            ulong mixed = StableHash(name) ^ (ulong.TryParse(seed, out var s) ? s * 0x9E3779B97F4A7C15UL : 0);
            config = config.WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(mixed, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        }
        global::FsCheck.Check.One(config, Prop.ForAll(Arb.From(gen), body));
    }

    /// <summary>FNV-1a: string.GetHashCode is randomised per process.</summary>
    private static ulong StableHash(string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in text) { h ^= c; h *= 1099511628211UL; }
        return h;
    }
}
