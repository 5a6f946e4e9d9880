using System.CommandLine;
using GsdmCore.Cli.Errors;
using GsdmCore.Diffusion.Training;

namespace GsdmCore.Cli.Settings;

/// <summary>The sampler options shared by <c>sample</c> and <c>eval</c>: --sampler, --steps, --seed.</summary>
public sealed class SamplingOptionSet
{
    /// <summary>--sampler.</summary>
    public Option<string> Sampler { get; } = new("--sampler") { Description = "Reverse process: ddpm (ancestral, default) or ddim.", DefaultValueFactory = _ => "ddpm", HelpName = "ddpm|ddim" };
    /// <summary>--steps.</summary>
    public Option<int> Steps { get; } = new("--steps") { Description = "Reverse-diffusion steps, strided over the 1000 training steps.", DefaultValueFactory = _ => 100 };
    /// <summary>--seed.</summary>
    public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of the sampling noise (and of generated instances).", DefaultValueFactory = _ => 1UL };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Sampler);
        command.Options.Add(Steps);
        command.Options.Add(Seed);
    }

    /// <summary>The sampling options the command line asks for.</summary>
    public SamplingOptions Read(ParseResult parse)
    {
        var kind = parse.GetValue(Sampler)!.Trim().ToLowerInvariant() switch
        {
            "ddpm" => SamplerKind.Ddpm,
            "ddim" => SamplerKind.Ddim,
            var other => throw new UsageException($"unknown --sampler '{other}'; use ddpm or ddim."),
        };
        int steps = parse.GetValue(Steps);
        if (steps is < 1 or > 1000) throw new UsageException($"--steps must lie in 1..1000 (the diffusion has 1000 steps), got {steps}.");
        return new SamplingOptions { Kind = kind, Steps = steps, Seed = parse.GetValue(Seed) };
    }
}
