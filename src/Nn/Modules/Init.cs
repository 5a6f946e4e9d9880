using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>Deterministic parameter initialisers drawn from a seeded <see cref="Generator"/>.</summary>
public static class Init
{
    /// <summary>Samples U(-bound, bound) of <paramref name="shape"/>.</summary>
    public static Tensor Uniform(int[] shape, double bound, Generator generator, DType dtype = DType.F32)
    {
        using (GradMode.Disable())
            return (Tensor.Rand(shape, generator, dtype) * (2 * bound) - bound).Detach();
    }

    /// <summary>
    /// PyTorch's default for Linear weights, kaiming_uniform(a = sqrt(5)): gain sqrt(2 / (1 + 5)), bound
    /// gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in).
    /// </summary>
    public static Tensor KaimingUniformA5(int[] shape, int fanIn, Generator generator, DType dtype = DType.F32) =>
        Uniform(shape, fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0, generator, dtype);
}
