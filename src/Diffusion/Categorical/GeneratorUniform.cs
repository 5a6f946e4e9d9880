using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>Uniform [0, 1) draws from a seeded <see cref="Generator"/>, the categorical samplers' source of randomness.</summary>
public sealed class GeneratorUniform(Generator generator) : INoiseSource
{
    /// <summary>The generator drawn from.</summary>
    public Generator Generator { get; } = generator ?? throw new ArgumentNullException(nameof(generator));

    /// <inheritdoc />
    public Tensor Next(int[] shape, DType dtype) => Tensor.Rand(shape, Generator, dtype);
}
