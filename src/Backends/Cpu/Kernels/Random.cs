using System.Numerics;

namespace GsdmCore.Backends.Cpu;

/// <summary>Fills from the Philox stream: element i is a function of (seed, offset + i) alone.</summary>
internal static class RandomKernels<T> where T : unmanaged, INumberBase<T>
{
    public static void Run(RandomKind kind, T[] dst, int count, ulong seed, ulong offset) =>
        CpuParallel.For(count, 4096, new Fill(kind, dst, seed, offset));

    private readonly struct Fill(RandomKind kind, T[] dst, ulong seed, ulong offset) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                ulong index = offset + (ulong)i;
                double v = kind == RandomKind.Uniform ? Philox.Uniform(seed, index) : Philox.Normal(seed, index);
                dst[i] = T.CreateTruncating(v);
            }
        }
    }
}
