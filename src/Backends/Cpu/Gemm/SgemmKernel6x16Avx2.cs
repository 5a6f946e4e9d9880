using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// AVX2 single-precision micro-kernel: a 6 x 16 tile in 12 ymm accumulators, which with the two B vectors and one
/// broadcast fits the 16 registers AVX2 offers. It fuses the addends (<see cref="RunFused"/>) but reads packed panels
/// only: on Zen 3, reading operands in place as <see cref="SgemmKernel12x32Avx512"/> does made the denoiser's
/// products 1.1-2x slower (a 2592-row A read six rows at a time from memory, and a transposed A whose six values of a
/// step share a line with the next panels'), where packing streams them in order.
/// </summary>
internal readonly unsafe struct SgemmKernel6x16Avx2 : IMicroKernel<float>
{
    public static int MR => 6;

    public static int NR => 16;

    public static bool Fuses => true;

    public static void Run(int kc, float* pa, float* pb, float* c, nint ldc, float alpha, float beta) =>
        RunFused(kc, pa, pb, c, ldc, alpha, beta, null, c);

    /// <summary>
    /// The tile over the packed panels, merged with beta times <paramref name="source"/> (laid out as C) into C, plus
    /// <paramref name="columns"/> when not null (added before the stores).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunFused(int kc, float* pa, float* pb, float* c, nint ldc, float alpha, float beta, float* columns, float* source)
    {
        Vector256<float> c0a = default, c0b = default;
        Vector256<float> c1a = default, c1b = default;
        Vector256<float> c2a = default, c2b = default;
        Vector256<float> c3a = default, c3b = default;
        Vector256<float> c4a = default, c4b = default;
        Vector256<float> c5a = default, c5b = default;
        PrefetchTile(c, ldc);
        if (beta != 0f && source != c) PrefetchTile(source, ldc);

        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(pb);
            Vector256<float> b1 = Vector256.Load(pb + 8);
            Vector256<float> x;
            x = Vector256.Create(pa[0]); c0a = Vector256.FusedMultiplyAdd(x, b0, c0a); c0b = Vector256.FusedMultiplyAdd(x, b1, c0b);
            x = Vector256.Create(pa[1]); c1a = Vector256.FusedMultiplyAdd(x, b0, c1a); c1b = Vector256.FusedMultiplyAdd(x, b1, c1b);
            x = Vector256.Create(pa[2]); c2a = Vector256.FusedMultiplyAdd(x, b0, c2a); c2b = Vector256.FusedMultiplyAdd(x, b1, c2b);
            x = Vector256.Create(pa[3]); c3a = Vector256.FusedMultiplyAdd(x, b0, c3a); c3b = Vector256.FusedMultiplyAdd(x, b1, c3b);
            x = Vector256.Create(pa[4]); c4a = Vector256.FusedMultiplyAdd(x, b0, c4a); c4b = Vector256.FusedMultiplyAdd(x, b1, c4b);
            x = Vector256.Create(pa[5]); c5a = Vector256.FusedMultiplyAdd(x, b0, c5a); c5b = Vector256.FusedMultiplyAdd(x, b1, c5b);
            pa += 6;
            pb += 16;
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

    /// <summary>
    /// Asks for the lines of a 6 x 16 tile (both lines of a row that straddles two) while the steps run: the tile is
    /// read or written only after them, and in the denoiser's products C and the addends usually come from memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(float* tile, nint ld)
    {
        for (int r = 0; r < 6; r++)
        {
            Sse.Prefetch0(tile + r * ld);
            Sse.Prefetch0(tile + r * ld + 15);
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
