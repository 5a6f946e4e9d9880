namespace GsdmCore.Diffusion.Training;

/// <summary>Which reverse process draws samples.</summary>
public enum SamplerKind
{
    /// <summary>Ancestral DDPM (the reference; fixedlarge variance), on a uniform strided schedule of <see cref="SamplingOptions.Steps"/>.</summary>
    Ddpm,
    /// <summary>DDIM with noise scale <see cref="SamplingOptions.Eta"/> on a uniform strided schedule.</summary>
    Ddim,
}

/// <summary>How to draw samples: the sampler, the number of strided steps (1000 = every step), eta for DDIM and the noise seed.</summary>
public sealed record SamplingOptions
{
    /// <summary>The sampler.</summary>
    public SamplerKind Kind { get; init; } = SamplerKind.Ddim;
    /// <summary>Reverse steps, uniformly strided over the T diffusion steps.</summary>
    public int Steps { get; init; } = 20;
    /// <summary>DDIM noise scale (0: deterministic given x_T).</summary>
    public double Eta { get; init; }
    /// <summary>Seed of x_T and the per-step noise.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Steps < 1) throw new ArgumentException($"SamplingOptions: Steps must be at least 1, got {Steps}.");
        if (!(Eta >= 0)) throw new ArgumentException($"SamplingOptions: Eta must be >= 0, got {Eta}.");
        if (!Enum.IsDefined(Kind)) throw new ArgumentException($"SamplingOptions: unknown sampler {Kind}.");
    }
}
