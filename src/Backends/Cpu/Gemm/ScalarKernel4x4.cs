using System.Numerics;
using System.Runtime.CompilerServices;

namespace GsdmCore.Backends.Cpu;

/// <summary>Portable 4 x 4 micro-kernel for hardware without usable 256/512-bit vectors.</summary>
internal readonly unsafe struct ScalarKernel4x4<T> : IMicroKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => 4;

    public static int NR => 4;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* pa, T* pb, T* c, nint ldc, T alpha, T beta)
    {
        T* acc = stackalloc T[16];
        new Span<T>(acc, 16).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int i = 0; i < 4; i++)
            {
                T ai = pa[i];
                T* row = acc + i * 4;
                row[0] += ai * pb[0];
                row[1] += ai * pb[1];
                row[2] += ai * pb[2];
                row[3] += ai * pb[3];
            }

            pa += 4;
            pb += 4;
        }

        TileWriteBack.Merge(acc, 4, c, ldc, 4, 4, alpha, beta);
    }
}
