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

    /// <summary>
    /// The forward's logits and softmax of rows [i0, i1) together, for the 256-bit batched dots:
    /// dst[e - rowPtr[i0]] = softmax over row i of scale * x_i . src[cols[e]]. A row of 8..32 edges keeps its (at most
    /// four) blocks of dots in registers through the softmax, instead of storing them for <see cref="Softmax"/> to
    /// load again; other rows take <see cref="Dots"/> and <see cref="Softmax"/>. The blocks, the maximum, the sum and the
    /// stores are those of the two loops, so the probabilities are the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // a frame of its own, as Dots
    private static void DotsSoftmax256(ref T x, int xStride, ref T src, int[] rowPtr, int[] cols, int i0, int i1, Span<T> dst, T scale, int d)
    {
        if (d == 2 * Vector256<float>.Count) DotsSoftmaxRows256(ref x, xStride, ref src, rowPtr, cols, i0, i1, dst, scale, 2 * Vector256<float>.Count);
        else DotsSoftmaxRows256(ref x, xStride, ref src, rowPtr, cols, i0, i1, dst, scale, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotsSoftmaxRows256(ref T x, int xStride, ref T src, int[] rowPtr, int[] cols, int i0, int i1, Span<T> dst, T scale, int d)
    {
        const int F = 8;
        int e0 = rowPtr[i0];
        ref int c0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols), e0);
        ref float d0 = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(dst));
        ref float s = ref Unsafe.As<T, float>(ref src);
        var sc = Vector256.Create(float.CreateTruncating(scale));
        for (int i = i0; i < i1; i++)
        {
            int rs = rowPtr[i] - e0, re = rowPtr[i + 1] - e0, length = re - rs;
            if (length == 0) continue;
            ref T xi = ref Unsafe.Add(ref x, (nint)i * xStride);
            if (length < F || length > 4 * F)
            {
                Dots(ref xi, 0, ref src, rowPtr, cols, i, i + 1, dst[rs..], d);
                Softmax(dst.Slice(rs, length), scale);
                continue;
            }
            PrefetchRow(ref xi, PrefetchDistance, xStride);
            ref float xf = ref Unsafe.As<T, float>(ref xi);
            ref int rowCols = ref Unsafe.Add(ref c0, rs);
            ref float p = ref Unsafe.Add(ref d0, rs);
            // The four vectors of ShortOffsets; a block that repeats the one before it is not computed again (its
            // lanes add nothing to the sum, and the maximum is the same).
            var (o1, o2, o3) = ShortOffsets(length);
            var x0 = Block8(ref xf, ref s, ref rowCols, d) * sc;
            var x1 = o1 > 0 ? Block8(ref xf, ref s, ref Unsafe.Add(ref rowCols, (nint)o1), d) * sc : x0;
            var x2 = o2 > o1 ? Block8(ref xf, ref s, ref Unsafe.Add(ref rowCols, (nint)o2), d) * sc : x1;
            var x3 = o3 > o2 ? Block8(ref xf, ref s, ref Unsafe.Add(ref rowCols, (nint)o3), d) * sc : x2;
            var top = Vector256.Create(float.CreateTruncating(HorizontalMax(
                Vector256.MaxNative(Vector256.MaxNative(x0, x1), Vector256.MaxNative(x2, x3)).As<float, T>())));
            var y0 = VectorExp.ExpOfNonPositive(x0 - top);
            var total = y0;
            var y1 = y0;
            if (o1 > 0)
            {
                y1 = VectorExp.ExpOfNonPositive(x1 - top);
                total += y1 & Fresh(0, o1).As<T, float>();
            }
            var y2 = y1;
            if (o2 > o1)
            {
                y2 = VectorExp.ExpOfNonPositive(x2 - top);
                total += y2 & Fresh(o1, o2).As<T, float>();
            }
            var y3 = y2;
            if (o3 > o2)
            {
                y3 = VectorExp.ExpOfNonPositive(x3 - top);
                total += y3 & Fresh(o2, o3).As<T, float>();
            }
            var scaleBy = Vector256.Create(1f / Vector256.Sum(total));
            (y0 * scaleBy).StoreUnsafe(ref p);
            (y1 * scaleBy).StoreUnsafe(ref p, o1);
            (y2 * scaleBy).StoreUnsafe(ref p, o2);
            (y3 * scaleBy).StoreUnsafe(ref p, o3);
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
