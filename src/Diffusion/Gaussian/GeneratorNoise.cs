using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>Standard normal noise drawn from a seeded <see cref="Generator"/>: the same seed gives the same samples.</summary>
public sealed class GeneratorNoise(Generator generator) : INoiseSource
{
    /// <summary>The generator drawn from.</summary>
    public Generator Generator { get; } = generator ?? throw new ArgumentNullException(nameof(generator));

    /// <inheritdoc />
    public Tensor Next(int[] shape, DType dtype) => Tensor.Randn(shape, Generator, dtype);
}
