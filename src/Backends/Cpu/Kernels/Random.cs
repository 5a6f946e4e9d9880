using System.Numerics;

namespace GsdmCore.Backends.Cpu;

/// <summary>Fills from the Philox stream: element i is a function of (seed, offset + i) alone.</summary>
internal static class RandomKernels<T> where T : unmanaged, INumberBase<T>
{
    public static void Run(RandomKind kind, T[] dst, int count, ulong seed, ulong offset)
    {
        CpuParallel.For(count, 4096, (s, e) =>
        {
            for (int i = s; i < e; i++)
            {
                ulong index = offset + (ulong)i;
                double v = kind == RandomKind.Uniform ? Philox.Uniform(seed, index) : Philox.Normal(seed, index);
                dst[i] = T.CreateTruncating(v);
            }
        });
    }
}
