using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
namespace GsdmCore.Backends.Cpu;

// The per-edge dot products of a row on machines without AVX-512 (AVX2 + FMA: Zen 2/3, most Intel client chips),
// for single precision and d a whole number of 256-bit vectors: eight edges at a time, each edge's lane-wise
// products (summed over the chunks of d) one vector, the eight vectors reduced together by a tree of horizontal
// adds and one cross-lane add into one vector of eight sums. Every edge's sum is formed by the same tree whichever
// slot it takes, so a row's last block may overlap the one before it, ending at the row's end, and a row of fewer
// than eight edges takes one block with its last column repeated. Without this, each edge took a dot product with a
// horizontal sum of its own.
internal static partial class SparseAttentionKernels<T>
{
    /// <summary>Whether <see cref="Dots"/> batches the edges in 256-bit vectors (floats, no AVX-512, d a multiple of 8).</summary>
    private static bool BatchedDots256(int d) =>
        typeof(T) == typeof(float) && !BatchedDots(d) && Avx.IsSupported && Fma.IsSupported && d % Vector256<float>.Count == 0;

    /// <summary>The 256-bit form of the batched dots: dst[e - rowPtr[i0]] = x_i . src[cols[e]] for the rows [i0, i1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BatchedDotRows256(ref T x, int xStride, ref T src, int[] rowPtr, int[] cols, int i0, int i1, Span<T> dst, int d)
    {
        const int F = 8;
        int e0 = rowPtr[i0];
        ref int c0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols), e0);
        ref float d0 = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(dst));
        ref float s = ref Unsafe.As<T, float>(ref src);
        for (int i = i0; i < i1; i++)
        {
            int rs = rowPtr[i] - e0, re = rowPtr[i + 1] - e0;
            if (rs == re) continue;
            ref T xi = ref Unsafe.Add(ref x, (nint)i * xStride);
            PrefetchRow(ref xi, PrefetchDistance, xStride);
            ref float xf = ref Unsafe.As<T, float>(ref xi);
            if (re - rs < F)
            {
                ShortRowDots256(ref xf, ref s, ref c0, rs, re, ref d0, d);
                continue;
            }
            int at = rs;
            for (; at <= re - F; at += F) Block8(ref xf, ref s, ref Unsafe.Add(ref c0, at), d).StoreUnsafe(ref d0, (nuint)at);
            if (at < re) Block8(ref xf, ref s, ref Unsafe.Add(ref c0, re - F), d).StoreUnsafe(ref d0, (nuint)(re - F));
        }
    }

    /// <summary>A row of fewer than eight edges: one block over its columns, the last one repeated.</summary>
    private static void ShortRowDots256(ref float x, ref float src, ref int cols, int rs, int re, ref float dst, int d)
    {
        Span<int> padded = stackalloc int[8];
        for (int k = 0; k < padded.Length; k++) padded[k] = Unsafe.Add(ref cols, Math.Min(rs + k, re - 1));
        var sums = Block8(ref x, ref src, ref MemoryMarshal.GetReference(padded), d);
        for (int e = rs; e < re; e++) Unsafe.Add(ref dst, e) = sums.GetElement(e - rs);
    }

    /// <summary>The dot products of x with src[cols[0..8)].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Block8(ref float x, ref float src, ref int cols, int d)
    {
        var x0 = Vector256.LoadUnsafe(ref x);
        // hadd(u, v) = [u0+u1, u2+u3, v0+v1, v2+v3 | u4+u5, u6+u7, v4+v5, v6+v7]; twice over four edges, each 128-bit
        // lane holds the four edges' sums of that lane's half.
        var ab = Avx.HorizontalAdd(Products256(x0, ref x, ref src, Unsafe.Add(ref cols, 0), d), Products256(x0, ref x, ref src, Unsafe.Add(ref cols, 1), d));
        var cd = Avx.HorizontalAdd(Products256(x0, ref x, ref src, Unsafe.Add(ref cols, 2), d), Products256(x0, ref x, ref src, Unsafe.Add(ref cols, 3), d));
        var ef = Avx.HorizontalAdd(Products256(x0, ref x, ref src, Unsafe.Add(ref cols, 4), d), Products256(x0, ref x, ref src, Unsafe.Add(ref cols, 5), d));
        var gh = Avx.HorizontalAdd(Products256(x0, ref x, ref src, Unsafe.Add(ref cols, 6), d), Products256(x0, ref x, ref src, Unsafe.Add(ref cols, 7), d));
        var abcd = Avx.HorizontalAdd(ab, cd);
        var efgh = Avx.HorizontalAdd(ef, gh);
        return Avx.Permute2x128(abcd, efgh, 0x20) + Avx.Permute2x128(abcd, efgh, 0x31);
    }

    /// <summary>The lane-wise products x * src[col], summed over the 256-bit chunks of d; x0 is x's first chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Products256(Vector256<float> x0, ref float x, ref float src, int col, int d)
    {
        ref float row = ref Unsafe.Add(ref src, (nint)col * d);
        var acc = x0 * Vector256.LoadUnsafe(ref row);
        for (int c = Vector256<float>.Count; c < d; c += Vector256<float>.Count)
            acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)c), Vector256.LoadUnsafe(ref row, (nuint)c), acc);
        return acc;
    }
}
