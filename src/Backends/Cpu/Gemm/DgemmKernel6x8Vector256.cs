using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Double-precision micro-kernel on 256-bit vectors: a 6 x 8 tile in 12 accumulators. It fits the
/// 16 ymm registers of AVX2 and also runs unchanged on AVX-512 hardware.
/// </summary>
internal readonly unsafe struct DgemmKernel6x8Vector256 : IMicroKernel<double>
{
    public static int MR => 6;

    public static int NR => 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, double* pa, double* pb, double* c, nint ldc, double alpha, double beta)
    {
        Vector256<double> c0a = default, c0b = default;
        Vector256<double> c1a = default, c1b = default;
        Vector256<double> c2a = default, c2b = default;
        Vector256<double> c3a = default, c3b = default;
        Vector256<double> c4a = default, c4b = default;
        Vector256<double> c5a = default, c5b = default;

        for (int p = 0; p < kc; p++)
        {
            Vector256<double> b0 = Vector256.Load(pb);
            Vector256<double> b1 = Vector256.Load(pb + 4);
            Vector256<double> a;
            a = Vector256.Create(pa[0]); c0a = Vector256.FusedMultiplyAdd(a, b0, c0a); c0b = Vector256.FusedMultiplyAdd(a, b1, c0b);
            a = Vector256.Create(pa[1]); c1a = Vector256.FusedMultiplyAdd(a, b0, c1a); c1b = Vector256.FusedMultiplyAdd(a, b1, c1b);
            a = Vector256.Create(pa[2]); c2a = Vector256.FusedMultiplyAdd(a, b0, c2a); c2b = Vector256.FusedMultiplyAdd(a, b1, c2b);
            a = Vector256.Create(pa[3]); c3a = Vector256.FusedMultiplyAdd(a, b0, c3a); c3b = Vector256.FusedMultiplyAdd(a, b1, c3b);
            a = Vector256.Create(pa[4]); c4a = Vector256.FusedMultiplyAdd(a, b0, c4a); c4b = Vector256.FusedMultiplyAdd(a, b1, c4b);
            a = Vector256.Create(pa[5]); c5a = Vector256.FusedMultiplyAdd(a, b0, c5a); c5b = Vector256.FusedMultiplyAdd(a, b1, c5b);
            pa += 6;
            pb += 8;
        }

        Vector256<double> va = Vector256.Create(alpha);
        if (beta == 0)
        {
            Overwrite(c + 0 * ldc, c0a, c0b, va);
            Overwrite(c + 1 * ldc, c1a, c1b, va);
            Overwrite(c + 2 * ldc, c2a, c2b, va);
            Overwrite(c + 3 * ldc, c3a, c3b, va);
            Overwrite(c + 4 * ldc, c4a, c4b, va);
            Overwrite(c + 5 * ldc, c5a, c5b, va);
        }
        else
        {
            Vector256<double> vb = Vector256.Create(beta);
            Merge(c + 0 * ldc, c0a, c0b, va, vb);
            Merge(c + 1 * ldc, c1a, c1b, va, vb);
            Merge(c + 2 * ldc, c2a, c2b, va, vb);
            Merge(c + 3 * ldc, c3a, c3b, va, vb);
            Merge(c + 4 * ldc, c4a, c4b, va, vb);
            Merge(c + 5 * ldc, c5a, c5b, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Overwrite(double* row, Vector256<double> lo, Vector256<double> hi, Vector256<double> va)
    {
        (lo * va).Store(row);
        (hi * va).Store(row + 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Merge(double* row, Vector256<double> lo, Vector256<double> hi, Vector256<double> va, Vector256<double> vb)
    {
        Vector256.FusedMultiplyAdd(lo, va, vb * Vector256.Load(row)).Store(row);
        Vector256.FusedMultiplyAdd(hi, va, vb * Vector256.Load(row + 4)).Store(row + 4);
    }
}
