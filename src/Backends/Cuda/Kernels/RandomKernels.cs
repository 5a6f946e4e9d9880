using ILGPU;

namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>
/// Fills from the counter-based Philox stream. The kernel calls the very <see cref="Philox"/> code the CPU
/// backend runs (ILGPU compiles it from IL), so element i is the same function of (seed, offset + i) on
/// every device: bit-identical for Uniform, and for Normal up to the rounding of log / sqrt / cos in the
/// device's float64 math.
/// </summary>
internal static class RandomKernels
{
    public static void Fill<T, TOps>(Index1D i, ArrayView<T> dst, ulong seed, ulong offset, int normal)
        where T : unmanaged where TOps : struct, INumberOps<T>
    {
        ulong index = offset + (ulong)(long)(int)i;
        double v = normal != 0 ? Philox.Normal(seed, index) : Philox.Uniform(seed, index);
        dst[i] = default(TOps).FromDouble(v);
    }
}
