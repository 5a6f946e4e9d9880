using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// AVX2 single-precision micro-kernel: a 6 x 16 tile in 12 ymm accumulators, which with the two B vectors and one
/// broadcast fits the 16 registers AVX2 offers. Like <see cref="SgemmKernel12x32Avx512"/> it fuses the addends and
/// reads A through two row pointers (rows 0 and 3) and a line offset, so the same loop walks a packed panel, a
/// transposed operand or a row-major one in place (<see cref="RunInPlace"/>): on machines without AVX-512 the
/// driver then skips the same packing and staging it skips there.
/// </summary>
internal readonly unsafe struct SgemmKernel6x16Avx2 : IMicroKernel<float>
{
    public static int MR => 6;

    public static int NR => 16;

    public static bool Fuses => true;

    public static bool ReadsInPlace => true;

    public static void Run(int kc, float* pa, float* pb, float* c, nint ldc, float alpha, float beta) =>
        Compute(kc, pa, 1, 6, pb, 16, c, ldc, alpha, beta, null, c);

    public static void RunFused(int kc, float* pa, float* pb, float* c, nint ldc, float alpha, float beta, float* columns, float* source) =>
        Compute(kc, pa, 1, 6, pb, 16, c, ldc, alpha, beta, columns, source);

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
        Vector256<float> c0a = default, c0b = default;
        Vector256<float> c1a = default, c1b = default;
        Vector256<float> c2a = default, c2b = default;
        Vector256<float> c3a = default, c3b = default;
        Vector256<float> c4a = default, c4b = default;
        Vector256<float> c5a = default, c5b = default;

        // A packed panel (or a transposed A) is read through one pointer and immediate offsets.
        if (aLine == 1)
        {
            for (int p = 0; p < kc; p++)
            {
                Vector256<float> b0 = Vector256.Load(b);
                Vector256<float> b1 = Vector256.Load(b + 8);
                Vector256<float> x;
                x = Vector256.Create(a[0]); c0a = Vector256.FusedMultiplyAdd(x, b0, c0a); c0b = Vector256.FusedMultiplyAdd(x, b1, c0b);
                x = Vector256.Create(a[1]); c1a = Vector256.FusedMultiplyAdd(x, b0, c1a); c1b = Vector256.FusedMultiplyAdd(x, b1, c1b);
                x = Vector256.Create(a[2]); c2a = Vector256.FusedMultiplyAdd(x, b0, c2a); c2b = Vector256.FusedMultiplyAdd(x, b1, c2b);
                x = Vector256.Create(a[3]); c3a = Vector256.FusedMultiplyAdd(x, b0, c3a); c3b = Vector256.FusedMultiplyAdd(x, b1, c3b);
                x = Vector256.Create(a[4]); c4a = Vector256.FusedMultiplyAdd(x, b0, c4a); c4b = Vector256.FusedMultiplyAdd(x, b1, c4b);
                x = Vector256.Create(a[5]); c5a = Vector256.FusedMultiplyAdd(x, b0, c5a); c5b = Vector256.FusedMultiplyAdd(x, b1, c5b);
                a += aStep;
                b += bStep;
            }
        }
        else
        {
            // Rows r = 3q + s are read at a_3q[s * aLine]: two pointers and two offsets stay in registers for any layout.
            float* a0 = a, a3 = a + 3 * aLine;
            nint line2 = 2 * aLine;
            for (int p = 0; p < kc; p++)
            {
                Vector256<float> b0 = Vector256.Load(b);
                Vector256<float> b1 = Vector256.Load(b + 8);
                Vector256<float> x;
                x = Vector256.Create(a0[0]); c0a = Vector256.FusedMultiplyAdd(x, b0, c0a); c0b = Vector256.FusedMultiplyAdd(x, b1, c0b);
                x = Vector256.Create(a0[aLine]); c1a = Vector256.FusedMultiplyAdd(x, b0, c1a); c1b = Vector256.FusedMultiplyAdd(x, b1, c1b);
                x = Vector256.Create(a0[line2]); c2a = Vector256.FusedMultiplyAdd(x, b0, c2a); c2b = Vector256.FusedMultiplyAdd(x, b1, c2b);
                x = Vector256.Create(a3[0]); c3a = Vector256.FusedMultiplyAdd(x, b0, c3a); c3b = Vector256.FusedMultiplyAdd(x, b1, c3b);
                x = Vector256.Create(a3[aLine]); c4a = Vector256.FusedMultiplyAdd(x, b0, c4a); c4b = Vector256.FusedMultiplyAdd(x, b1, c4b);
                x = Vector256.Create(a3[line2]); c5a = Vector256.FusedMultiplyAdd(x, b0, c5a); c5b = Vector256.FusedMultiplyAdd(x, b1, c5b);
                a0 += aStep;
                a3 += aStep;
                b += bStep;
            }
        }

        Vector256<float> va = Vector256.Create(alpha);
        // Without columns, adding zero would still turn -0 into +0: the two cases stay apart.
        bool add = columns != null;
        Vector256<float> ca = add ? Vector256.Load(columns) : default, cb = add ? Vector256.Load(columns + 8) : default;
        if (beta == 0f)
        {
            Overwrite(c + 0 * ldc, c0a, c0b, va, add, ca, cb);
            Overwrite(c + 1 * ldc, c1a, c1b, va, add, ca, cb);
            Overwrite(c + 2 * ldc, c2a, c2b, va, add, ca, cb);
            Overwrite(c + 3 * ldc, c3a, c3b, va, add, ca, cb);
            Overwrite(c + 4 * ldc, c4a, c4b, va, add, ca, cb);
            Overwrite(c + 5 * ldc, c5a, c5b, va, add, ca, cb);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            Merge(c + 0 * ldc, source + 0 * ldc, c0a, c0b, va, vb, add, ca, cb);
            Merge(c + 1 * ldc, source + 1 * ldc, c1a, c1b, va, vb, add, ca, cb);
            Merge(c + 2 * ldc, source + 2 * ldc, c2a, c2b, va, vb, add, ca, cb);
            Merge(c + 3 * ldc, source + 3 * ldc, c3a, c3b, va, vb, add, ca, cb);
            Merge(c + 4 * ldc, source + 4 * ldc, c4a, c4b, va, vb, add, ca, cb);
            Merge(c + 5 * ldc, source + 5 * ldc, c5a, c5b, va, vb, add, ca, cb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Overwrite(float* row, Vector256<float> lo, Vector256<float> hi, Vector256<float> va,
        bool add, Vector256<float> ca, Vector256<float> cb)
    {
        Vector256<float> l = lo * va, h = hi * va;
        if (add)
        {
            (l, h) = (l + ca, h + cb);
        }

        l.Store(row);
        h.Store(row + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Merge(float* row, float* sourceRow, Vector256<float> lo, Vector256<float> hi, Vector256<float> va, Vector256<float> vb,
        bool add, Vector256<float> ca, Vector256<float> cb)
    {
        Vector256<float> l = Vector256.FusedMultiplyAdd(lo, va, vb * Vector256.Load(sourceRow));
        Vector256<float> h = Vector256.FusedMultiplyAdd(hi, va, vb * Vector256.Load(sourceRow + 8));
        if (add)
        {
            (l, h) = (l + ca, h + cb);
        }

        l.Store(row);
        h.Store(row + 8);
    }
}
