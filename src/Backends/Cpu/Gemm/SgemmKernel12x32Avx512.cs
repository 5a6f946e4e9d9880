using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// AVX-512 single-precision micro-kernel: a 12 x 32 tile held in 24 zmm accumulators
/// (two 16-lane vectors per row), fed by one broadcast of A and two vector loads of B per step.
/// It reads A through four row pointers (rows 0, 3, 6 and 9) and two line offsets, so the same loop walks a packed
/// panel, a transposed operand or a row-major one in place (<see cref="RunInPlace"/>).
/// </summary>
internal readonly unsafe struct SgemmKernel12x32Avx512 : IMicroKernel<float>
{
    public static int MR => 12;

    public static int NR => 32;

    public static bool Fuses => true;

    public static bool ReadsInPlace => true;

    public static void Run(int kc, float* pa, float* pb, float* c, nint ldc, float alpha, float beta) =>
        Compute(kc, pa, 1, 12, pb, 32, c, ldc, alpha, beta, null, c);

    public static void RunFused(int kc, float* pa, float* pb, float* c, nint ldc, float alpha, float beta, float* columns, float* source) =>
        Compute(kc, pa, 1, 12, pb, 32, c, ldc, alpha, beta, columns, source);

    public static void RunInPlace(int kc, float* a, nint aLine, nint aStep, float* b, nint bStep, float* c, nint ldc, float alpha, float beta,
        float* columns, float* source) =>
        Compute(kc, a, aLine, aStep, b, bStep, c, ldc, alpha, beta, columns, source);

    /// <summary>
    /// The tile over A element (r, p) at <paramref name="a"/>[r * aLine + p * aStep] and B element (p, j) at
    /// <paramref name="b"/>[p * bStep + j], merged with beta times <paramref name="source"/> (laid out as C) into C, plus
    /// <paramref name="columns"/> when not null (added before the stores).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute(int kc, float* a, nint aLine, nint aStep, float* b, nint bStep, float* c, nint ldc, float alpha, float beta,
        float* columns, float* source)
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

        // A packed panel (or a transposed A) is read through one pointer and immediate offsets: with the four pointers
        // of a row-major A, a packed panel was 2-4% slower.
        if (aLine == 1)
        {
            for (int p = 0; p < kc; p++)
            {
                Vector512<float> b0 = Vector512.Load(b);
                Vector512<float> b1 = Vector512.Load(b + 16);
                Vector512<float> x;
                x = Vector512.Create(a[0]); c00a = Vector512.FusedMultiplyAdd(x, b0, c00a); c00b = Vector512.FusedMultiplyAdd(x, b1, c00b);
                x = Vector512.Create(a[1]); c01a = Vector512.FusedMultiplyAdd(x, b0, c01a); c01b = Vector512.FusedMultiplyAdd(x, b1, c01b);
                x = Vector512.Create(a[2]); c02a = Vector512.FusedMultiplyAdd(x, b0, c02a); c02b = Vector512.FusedMultiplyAdd(x, b1, c02b);
                x = Vector512.Create(a[3]); c03a = Vector512.FusedMultiplyAdd(x, b0, c03a); c03b = Vector512.FusedMultiplyAdd(x, b1, c03b);
                x = Vector512.Create(a[4]); c04a = Vector512.FusedMultiplyAdd(x, b0, c04a); c04b = Vector512.FusedMultiplyAdd(x, b1, c04b);
                x = Vector512.Create(a[5]); c05a = Vector512.FusedMultiplyAdd(x, b0, c05a); c05b = Vector512.FusedMultiplyAdd(x, b1, c05b);
                x = Vector512.Create(a[6]); c06a = Vector512.FusedMultiplyAdd(x, b0, c06a); c06b = Vector512.FusedMultiplyAdd(x, b1, c06b);
                x = Vector512.Create(a[7]); c07a = Vector512.FusedMultiplyAdd(x, b0, c07a); c07b = Vector512.FusedMultiplyAdd(x, b1, c07b);
                x = Vector512.Create(a[8]); c08a = Vector512.FusedMultiplyAdd(x, b0, c08a); c08b = Vector512.FusedMultiplyAdd(x, b1, c08b);
                x = Vector512.Create(a[9]); c09a = Vector512.FusedMultiplyAdd(x, b0, c09a); c09b = Vector512.FusedMultiplyAdd(x, b1, c09b);
                x = Vector512.Create(a[10]); c10a = Vector512.FusedMultiplyAdd(x, b0, c10a); c10b = Vector512.FusedMultiplyAdd(x, b1, c10b);
                x = Vector512.Create(a[11]); c11a = Vector512.FusedMultiplyAdd(x, b0, c11a); c11b = Vector512.FusedMultiplyAdd(x, b1, c11b);
                a += aStep;
                b += bStep;
            }
        }
        else
        {
            // Rows r = 3q + s are read at a_3q[s * aLine]: four pointers and two offsets stay in registers for any layout.
            float* a0 = a, a3 = a + 3 * aLine, a6 = a + 6 * aLine, a9 = a + 9 * aLine;
            nint line2 = 2 * aLine;
            for (int p = 0; p < kc; p++)
            {
                Vector512<float> b0 = Vector512.Load(b);
                Vector512<float> b1 = Vector512.Load(b + 16);
                Vector512<float> x;
                x = Vector512.Create(a0[0]); c00a = Vector512.FusedMultiplyAdd(x, b0, c00a); c00b = Vector512.FusedMultiplyAdd(x, b1, c00b);
                x = Vector512.Create(a0[aLine]); c01a = Vector512.FusedMultiplyAdd(x, b0, c01a); c01b = Vector512.FusedMultiplyAdd(x, b1, c01b);
                x = Vector512.Create(a0[line2]); c02a = Vector512.FusedMultiplyAdd(x, b0, c02a); c02b = Vector512.FusedMultiplyAdd(x, b1, c02b);
                x = Vector512.Create(a3[0]); c03a = Vector512.FusedMultiplyAdd(x, b0, c03a); c03b = Vector512.FusedMultiplyAdd(x, b1, c03b);
                x = Vector512.Create(a3[aLine]); c04a = Vector512.FusedMultiplyAdd(x, b0, c04a); c04b = Vector512.FusedMultiplyAdd(x, b1, c04b);
                x = Vector512.Create(a3[line2]); c05a = Vector512.FusedMultiplyAdd(x, b0, c05a); c05b = Vector512.FusedMultiplyAdd(x, b1, c05b);
                x = Vector512.Create(a6[0]); c06a = Vector512.FusedMultiplyAdd(x, b0, c06a); c06b = Vector512.FusedMultiplyAdd(x, b1, c06b);
                x = Vector512.Create(a6[aLine]); c07a = Vector512.FusedMultiplyAdd(x, b0, c07a); c07b = Vector512.FusedMultiplyAdd(x, b1, c07b);
                x = Vector512.Create(a6[line2]); c08a = Vector512.FusedMultiplyAdd(x, b0, c08a); c08b = Vector512.FusedMultiplyAdd(x, b1, c08b);
                x = Vector512.Create(a9[0]); c09a = Vector512.FusedMultiplyAdd(x, b0, c09a); c09b = Vector512.FusedMultiplyAdd(x, b1, c09b);
                x = Vector512.Create(a9[aLine]); c10a = Vector512.FusedMultiplyAdd(x, b0, c10a); c10b = Vector512.FusedMultiplyAdd(x, b1, c10b);
                x = Vector512.Create(a9[line2]); c11a = Vector512.FusedMultiplyAdd(x, b0, c11a); c11b = Vector512.FusedMultiplyAdd(x, b1, c11b);
                a0 += aStep;
                a3 += aStep;
                a6 += aStep;
                a9 += aStep;
                b += bStep;
            }
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
