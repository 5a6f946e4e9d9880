namespace GsdmCore.Compare;

/// <summary>Command-line options of the comparison program.</summary>
internal sealed record CompareOptions
{
    public string Case { get; init; } = "all";
    public int Threads { get; init; } = 2;
    public int Warmup { get; init; } = 3;
    public int Reps { get; init; } = 10;
    /// <summary>Untimed pause before each timed step, so the previous engine's spinning workers have gone idle.</summary>
    public int SettleMs { get; init; } = 100;
    /// <summary>Run only this engine ("gsdm" or "torch"): time it alone, or, with <see cref="Peak"/>, print its peak working set.</summary>
    public string? Engine { get; init; }
    /// <summary>Child mode: the torch attention variant ("sparse-gather" or "dense-masked").</summary>
    public string? Variant { get; init; }
    public bool Peak { get; init; }
    public bool Profile { get; init; }
    public bool SkipPeak { get; init; }
    /// <summary>Where the GsdmCore side runs: cpu (default), cuda, cuda:N or ilgpu-cpu. TorchSharp stays on the CPU.</summary>
    public string Device { get; init; } = "cpu";

    public const string Usage =
        "usage: GsdmCore.Compare [--case all|<name>] [--threads N] [--warmup N] [--reps N] [--settle-ms N] [--profile] [--no-peak] [--device cpu|cuda|cuda:N]\n" +
        "       GsdmCore.Compare --engine gsdm|torch [--variant sparse-gather|dense-masked] [--case all|<name>] [--reps N]   (one engine alone: fastest, lower-quartile and median step)\n" +
        "       GsdmCore.Compare --engine gsdm|torch --case <name> --peak   (child mode, used for peak memory)";

    public static CompareOptions Parse(string[] args)
    {
        var o = new CompareOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            int NextInt()
            {
                var name = args[i];
                var s = Next();
                return int.TryParse(s, out int v) && v >= 0 ? v : throw new ArgumentException($"{name} needs a non-negative integer, got '{s}'.");
            }
            o = args[i] switch
            {
                "--case" => o with { Case = Next() },
                "--threads" => o with { Threads = Math.Max(1, NextInt()) },
                "--warmup" => o with { Warmup = NextInt() },
                "--reps" => o with { Reps = Math.Max(1, NextInt()) },
                "--settle-ms" => o with { SettleMs = NextInt() },
                "--engine" => o with { Engine = Next() },
                "--peak" => o with { Peak = true },
                "--variant" => o with { Variant = Next() },
                "--profile" => o with { Profile = true },
                "--no-peak" => o with { SkipPeak = true },
                "--device" => o with { Device = Next() },
                "-h" or "--help" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"unknown option '{args[i]}'.\n{Usage}"),
            };
        }
        if (o.Engine is not null and not "gsdm" and not "torch") throw new ArgumentException($"--engine must be gsdm or torch, got '{o.Engine}'.");
        return o;
    }
}
