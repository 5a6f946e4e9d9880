using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// AVX-512 single-precision micro-kernel: a 12 x 32 tile held in 24 zmm accumulators
/// (two 16-lane vectors per row), fed by one broadcast of A and two vector loads of B per step.
/// </summary>
internal readonly unsafe struct SgemmKernel12x32Avx512 : IMicroKernel<float>
{
    public static int MR => 12;

    public static int NR => 32;

    public static bool Fuses => true;

    public static void Run(int kc, float* pa, float* pb, float* c, nint ldc, float alpha, float beta) =>
        Compute(kc, pa, pb, c, ldc, alpha, beta, null, c);

    public static void RunFused(int kc, float* pa, float* pb, float* c, nint ldc, float alpha, float beta, float* columns, float* source) =>
        Compute(kc, pa, pb, c, ldc, alpha, beta, columns, source);

    /// <summary>
    /// The tile, merged with beta times <paramref name="source"/> (laid out as C) into C, plus <paramref name="columns"/>
    /// when not null (added before the stores).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute(int kc, float* pa, float* pb, float* c, nint ldc, float alpha, float beta, float* columns, float* source)
    {
        Vector512<float> c00a = default, c00b = default;
        Vector512<float> c01a = default, c01b = default;
        Vector512<float> c02a = default, c02b = default;
        Vector512<float> c03a = default, c03b = default;
        Vector512<float> c04a = default, c04b = default;
        Vector512<float> c05a = default, c05b = default;
        Vector512<float> c06a = default, c06b = default;
        Vector512<float> c07a = default, c07b = default;
        Vector512<float> c08a = default, c08b = default;
        Vector512<float> c09a = default, c09b = default;
        Vector512<float> c10a = default, c10b = default;
        Vector512<float> c11a = default, c11b = default;

        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(pb);
            Vector512<float> b1 = Vector512.Load(pb + 16);
            Vector512<float> a;
            a = Vector512.Create(pa[0]); c00a = Vector512.FusedMultiplyAdd(a, b0, c00a); c00b = Vector512.FusedMultiplyAdd(a, b1, c00b);
            a = Vector512.Create(pa[1]); c01a = Vector512.FusedMultiplyAdd(a, b0, c01a); c01b = Vector512.FusedMultiplyAdd(a, b1, c01b);
            a = Vector512.Create(pa[2]); c02a = Vector512.FusedMultiplyAdd(a, b0, c02a); c02b = Vector512.FusedMultiplyAdd(a, b1, c02b);
            a = Vector512.Create(pa[3]); c03a = Vector512.FusedMultiplyAdd(a, b0, c03a); c03b = Vector512.FusedMultiplyAdd(a, b1, c03b);
            a = Vector512.Create(pa[4]); c04a = Vector512.FusedMultiplyAdd(a, b0, c04a); c04b = Vector512.FusedMultiplyAdd(a, b1, c04b);
            a = Vector512.Create(pa[5]); c05a = Vector512.FusedMultiplyAdd(a, b0, c05a); c05b = Vector512.FusedMultiplyAdd(a, b1, c05b);
            a = Vector512.Create(pa[6]); c06a = Vector512.FusedMultiplyAdd(a, b0, c06a); c06b = Vector512.FusedMultiplyAdd(a, b1, c06b);
            a = Vector512.Create(pa[7]); c07a = Vector512.FusedMultiplyAdd(a, b0, c07a); c07b = Vector512.FusedMultiplyAdd(a, b1, c07b);
            a = Vector512.Create(pa[8]); c08a = Vector512.FusedMultiplyAdd(a, b0, c08a); c08b = Vector512.FusedMultiplyAdd(a, b1, c08b);
            a = Vector512.Create(pa[9]); c09a = Vector512.FusedMultiplyAdd(a, b0, c09a); c09b = Vector512.FusedMultiplyAdd(a, b1, c09b);
            a = Vector512.Create(pa[10]); c10a = Vector512.FusedMultiplyAdd(a, b0, c10a); c10b = Vector512.FusedMultiplyAdd(a, b1, c10b);
            a = Vector512.Create(pa[11]); c11a = Vector512.FusedMultiplyAdd(a, b0, c11a); c11b = Vector512.FusedMultiplyAdd(a, b1, c11b);
            pa += 12;
            pb += 32;
        }

        Vector512<float> va = Vector512.Create(alpha);
        // Without columns, adding zero would still turn -0 into +0: the two cases stay apart.
        bool add = columns != null;
        Vector512<float> ca = add ? Vector512.Load(columns) : default, cb = add ? Vector512.Load(columns + 16) : default;
        if (beta == 0f)
        {
            Overwrite(c + 0 * ldc, c00a, c00b, va, add, ca, cb);
            Overwrite(c + 1 * ldc, c01a, c01b, va, add, ca, cb);
            Overwrite(c + 2 * ldc, c02a, c02b, va, add, ca, cb);
            Overwrite(c + 3 * ldc, c03a, c03b, va, add, ca, cb);
            Overwrite(c + 4 * ldc, c04a, c04b, va, add, ca, cb);
            Overwrite(c + 5 * ldc, c05a, c05b, va, add, ca, cb);
            Overwrite(c + 6 * ldc, c06a, c06b, va, add, ca, cb);
            Overwrite(c + 7 * ldc, c07a, c07b, va, add, ca, cb);
            Overwrite(c + 8 * ldc, c08a, c08b, va, add, ca, cb);
            Overwrite(c + 9 * ldc, c09a, c09b, va, add, ca, cb);
            Overwrite(c + 10 * ldc, c10a, c10b, va, add, ca, cb);
            Overwrite(c + 11 * ldc, c11a, c11b, va, add, ca, cb);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Merge(c + 0 * ldc, source + 0 * ldc, c00a, c00b, va, vb, add, ca, cb);
            Merge(c + 1 * ldc, source + 1 * ldc, c01a, c01b, va, vb, add, ca, cb);
            Merge(c + 2 * ldc, source + 2 * ldc, c02a, c02b, va, vb, add, ca, cb);
            Merge(c + 3 * ldc, source + 3 * ldc, c03a, c03b, va, vb, add, ca, cb);
            Merge(c + 4 * ldc, source + 4 * ldc, c04a, c04b, va, vb, add, ca, cb);
            Merge(c + 5 * ldc, source + 5 * ldc, c05a, c05b, va, vb, add, ca, cb);
            Merge(c + 6 * ldc, source + 6 * ldc, c06a, c06b, va, vb, add, ca, cb);
            Merge(c + 7 * ldc, source + 7 * ldc, c07a, c07b, va, vb, add, ca, cb);
            Merge(c + 8 * ldc, source + 8 * ldc, c08a, c08b, va, vb, add, ca, cb);
            Merge(c + 9 * ldc, source + 9 * ldc, c09a, c09b, va, vb, add, ca, cb);
            Merge(c + 10 * ldc, source + 10 * ldc, c10a, c10b, va, vb, add, ca, cb);
            Merge(c + 11 * ldc, source + 11 * ldc, c11a, c11b, va, vb, add, ca, cb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Overwrite(float* row, Vector512<float> lo, Vector512<float> hi, Vector512<float> va,
        bool add, Vector512<float> ca, Vector512<float> cb)
    {
        Vector512<float> l = lo * va, h = hi * va;
        if (add)
        {
            (l, h) = (l + ca, h + cb);
        }

        l.Store(row);
        h.Store(row + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Merge(float* row, float* sourceRow, Vector512<float> lo, Vector512<float> hi, Vector512<float> va, Vector512<float> vb,
        bool add, Vector512<float> ca, Vector512<float> cb)
    {
        Vector512<float> l = Vector512.FusedMultiplyAdd(lo, va, vb * Vector512.Load(sourceRow));
        Vector512<float> h = Vector512.FusedMultiplyAdd(hi, va, vb * Vector512.Load(sourceRow + 16));
        if (add)
        {
            (l, h) = (l + ca, h + cb);
        }

        l.Store(row);
        h.Store(row + 16);
    }
}
