using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// AVX2 single-precision micro-kernel: a 6 x 16 tile in 12 ymm accumulators, which with the two
/// B vectors and one broadcast fits the 16 registers AVX2 offers.
/// </summary>
internal readonly unsafe struct SgemmKernel6x16Avx2 : IMicroKernel<float>
{
    public static int MR => 6;

    public static int NR => 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* pa, float* pb, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c0a = default, c0b = default;
        Vector256<float> c1a = default, c1b = default;
        Vector256<float> c2a = default, c2b = default;
        Vector256<float> c3a = default, c3b = default;
        Vector256<float> c4a = default, c4b = default;
        Vector256<float> c5a = default, c5b = default;

        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(pb);
            Vector256<float> b1 = Vector256.Load(pb + 8);
            Vector256<float> a;
            a = Vector256.Create(pa[0]); c0a = Vector256.FusedMultiplyAdd(a, b0, c0a); c0b = Vector256.FusedMultiplyAdd(a, b1, c0b);
            a = Vector256.Create(pa[1]); c1a = Vector256.FusedMultiplyAdd(a, b0, c1a); c1b = Vector256.FusedMultiplyAdd(a, b1, c1b);
            a = Vector256.Create(pa[2]); c2a = Vector256.FusedMultiplyAdd(a, b0, c2a); c2b = Vector256.FusedMultiplyAdd(a, b1, c2b);
            a = Vector256.Create(pa[3]); c3a = Vector256.FusedMultiplyAdd(a, b0, c3a); c3b = Vector256.FusedMultiplyAdd(a, b1, c3b);
            a = Vector256.Create(pa[4]); c4a = Vector256.FusedMultiplyAdd(a, b0, c4a); c4b = Vector256.FusedMultiplyAdd(a, b1, c4b);
            a = Vector256.Create(pa[5]); c5a = Vector256.FusedMultiplyAdd(a, b0, c5a); c5b = Vector256.FusedMultiplyAdd(a, b1, c5b);
            pa += 6;
            pb += 16;
        }

        Vector256<float> va = Vector256.Create(alpha);
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
            Vector256<float> vb = Vector256.Create(beta);
            Merge(c + 0 * ldc, c0a, c0b, va, vb);
            Merge(c + 1 * ldc, c1a, c1b, va, vb);
            Merge(c + 2 * ldc, c2a, c2b, va, vb);
            Merge(c + 3 * ldc, c3a, c3b, va, vb);
            Merge(c + 4 * ldc, c4a, c4b, va, vb);
            Merge(c + 5 * ldc, c5a, c5b, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Overwrite(float* row, Vector256<float> lo, Vector256<float> hi, Vector256<float> va)
    {
        (lo * va).Store(row);
        (hi * va).Store(row + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Merge(float* row, Vector256<float> lo, Vector256<float> hi, Vector256<float> va, Vector256<float> vb)
    {
        Vector256.FusedMultiplyAdd(lo, va, vb * Vector256.Load(row)).Store(row);
        Vector256.FusedMultiplyAdd(hi, va, vb * Vector256.Load(row + 8)).Store(row + 8);
    }
}
