using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static GsdmCore.Backends.Cpu.VectorFma;
using System.Runtime.Intrinsics.X86;
namespace GsdmCore.Backends.Cpu;

// The per-edge dot products of a row, a block of edges at a time: the lane-wise products x * src[cols[e]] of
// F = Vector512<T>.Count edges (one vector each, summed over the chunks when d > F) are reduced together by a
// transposed tree of shuffles and adds into one vector of F sums, instead of one horizontal sum per edge. Every
// edge's sum is formed by the same tree whichever slot of a block it takes, so blocks may overlap: after a row's
// full blocks come half blocks (F/2 edges), the last one ending at the row's end. Rows of fewer than F/2 edges
// take one half block with their last column repeated.
internal static partial class SparseAttentionKernels<T>
{
    /// <summary>Whether <see cref="Dots"/> batches the edges: d is a whole number of 512-bit vectors and AVX-512 is there.</summary>
    private static bool BatchedDots(int d) =>
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated && d % Vector512<T>.Count == 0;

    /// <summary>
    /// dst[e - rowPtr[i0]] = x_i . src[cols[e]] for the edges e of rows [i0, i1); x_i = x + i * xStride, src packed [n, d].
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // a frame of its own: the callers hold many references
    private static void Dots(ref T x, int xStride, ref T src, int[] rowPtr, int[] cols, int i0, int i1, Span<T> dst, int d)
    {
        if (BatchedDots256(d))
        {
            if (d == Vector256<float>.Count * 2) BatchedDotRows256(ref x, xStride, ref src, rowPtr, cols, i0, i1, dst, 2 * Vector256<float>.Count);
            else BatchedDotRows256(ref x, xStride, ref src, rowPtr, cols, i0, i1, dst, d);
            return;
        }
        if (!BatchedDots(d))
        {
            for (int i = i0; i < i1; i++)
                for (int e = rowPtr[i]; e < rowPtr[i + 1]; e++)
                    dst[e - rowPtr[i0]] = SimdMath<T>.Dot(ref Unsafe.Add(ref x, (nint)i * xStride), ref Unsafe.Add(ref src, (nint)cols[e] * d), d);
            return;
        }
        if (d == Vector512<T>.Count) BatchedDotRows(ref x, xStride, ref src, rowPtr, cols, i0, i1, dst, Vector512<T>.Count);
        else BatchedDotRows(ref x, xStride, ref src, rowPtr, cols, i0, i1, dst, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BatchedDotRows(ref T x, int xStride, ref T src, int[] rowPtr, int[] cols, int i0, int i1, Span<T> dst, int d)
    {
        int full = Vector512<T>.Count, half = full / 2;
        int e0 = rowPtr[i0];
        ref int c0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols), e0);
        ref T d0 = ref MemoryMarshal.GetReference(dst);
        for (int i = i0; i < i1; i++)
        {
            int rs = rowPtr[i] - e0, re = rowPtr[i + 1] - e0;
            ref T xi = ref Unsafe.Add(ref x, (nint)i * xStride);
            PrefetchRow(ref xi, PrefetchDistance, xStride);
            if (re - rs < half)
            {
                ShortRowDots(ref xi, ref src, ref c0, rs, re, dst, d);
                continue;
            }
            var x0 = Vector512.LoadUnsafe(ref xi);
            int e = rs;
            for (; e <= re - full; e += full)
                FullBlock(x0, ref xi, ref src, ref Unsafe.Add(ref c0, e), d).StoreUnsafe(ref d0, (nuint)e);
            // The rest in half blocks, the last one ending at the row's end.
            while (e < re)
            {
                int at = Math.Min(e, re - half);
                HalfBlock(x0, ref xi, ref src, ref Unsafe.Add(ref c0, at), d).StoreUnsafe(ref d0, (nuint)at);
                e = at + half;
            }
        }
    }

    /// <summary>A row of fewer than half a block of edges: one half block over its columns, the last one repeated.</summary>
    private static void ShortRowDots(ref T x, ref T src, ref int cols, int rs, int re, Span<T> dst, int d)
    {
        if (rs == re) return;
        Span<int> padded = stackalloc int[Vector256<T>.Count];
        for (int k = 0; k < padded.Length; k++) padded[k] = Unsafe.Add(ref cols, Math.Min(rs + k, re - 1));
        var sums = HalfBlock(Vector512.LoadUnsafe(ref x), ref x, ref src, ref MemoryMarshal.GetReference(padded), d);
        for (int e = rs; e < re; e++) dst[e] = sums.GetElement(e - rs);
    }

    /// <summary>The lane-wise products x * src[col] (summed over the chunks of d), x0 being x's first chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Products(Vector512<T> x0, ref T x, ref T src, int col, int d)
    {
        ref T row = ref Unsafe.Add(ref src, (nint)col * d);
        var acc = x0 * Vector512.LoadUnsafe(ref row);
        for (int c = Vector512<T>.Count; c < d; c += Vector512<T>.Count)
            acc = Fma(Vector512.LoadUnsafe(ref x, (nuint)c), Vector512.LoadUnsafe(ref row, (nuint)c), acc);
        return acc;
    }

    /// <summary>The dot products of x with src[cols[0..F)] (F = Vector512 lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> FullBlock(Vector512<T> x0, ref T x, ref T src, ref int cols, int d)
    {
        if (typeof(T) == typeof(float))
        {
            var q0 = FloatQuad(ref x, x0, ref src, ref cols, 0, d);
            var q1 = FloatQuad(ref x, x0, ref src, ref cols, 4, d);
            var q2 = FloatQuad(ref x, x0, ref src, ref cols, 8, d);
            var q3 = FloatQuad(ref x, x0, ref src, ref cols, 12, d);
            return AcrossLanes(AcrossLanes(q0, q1), AcrossLanes(q2, q3));
        }
        var p0 = DoublePair(ref x, x0, ref src, ref cols, 0, d);
        var p1 = DoublePair(ref x, x0, ref src, ref cols, 2, d);
        var p2 = DoublePair(ref x, x0, ref src, ref cols, 4, d);
        var p3 = DoublePair(ref x, x0, ref src, ref cols, 6, d);
        return AcrossLanes(AcrossLanes(p0, p1), AcrossLanes(p2, p3));
    }

    /// <summary>The dot products of x with src[cols[0..F/2)].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> HalfBlock(Vector512<T> x0, ref T x, ref T src, ref int cols, int d)
    {
        Vector512<T> sums;
        if (typeof(T) == typeof(float))
        {
            var q0 = FloatQuad(ref x, x0, ref src, ref cols, 0, d);
            var q1 = FloatQuad(ref x, x0, ref src, ref cols, 4, d);
            sums = AcrossLanes(q0, q1);
        }
        else
        {
            var p0 = DoublePair(ref x, x0, ref src, ref cols, 0, d);
            var p1 = DoublePair(ref x, x0, ref src, ref cols, 2, d);
            sums = AcrossLanes(p0, p1);
        }
        // The same last step as a full block's, with the second half a copy of the first.
        return AcrossLanes(sums, sums).GetLower();
    }

    /// <summary>
    /// Floats, edges k..k+4: per 128-bit lane, the four edges' sums of that lane's four products, in edge order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> FloatQuad(ref T x, Vector512<T> x0, ref T src, ref int cols, int k, int d)
    {
        var a = Products(x0, ref x, ref src, Unsafe.Add(ref cols, k), d).AsSingle();
        var b = Products(x0, ref x, ref src, Unsafe.Add(ref cols, k + 1), d).AsSingle();
        var c = Products(x0, ref x, ref src, Unsafe.Add(ref cols, k + 2), d).AsSingle();
        var e = Products(x0, ref x, ref src, Unsafe.Add(ref cols, k + 3), d).AsSingle();
        // Per 128-bit lane: [a0+a2, b0+b2, a1+a3, b1+b3], then 64-bit halves of the pairs added: [a, b, c, e].
        var ab = Avx512F.UnpackLow(a, b) + Avx512F.UnpackHigh(a, b);
        var ce = Avx512F.UnpackLow(c, e) + Avx512F.UnpackHigh(c, e);
        var sums = Avx512F.UnpackLow(ab.AsDouble(), ce.AsDouble()).AsSingle() + Avx512F.UnpackHigh(ab.AsDouble(), ce.AsDouble()).AsSingle();
        return sums.As<float, T>();
    }

    /// <summary>Doubles, edges k, k+1: per 128-bit lane, the two edges' sums of that lane's two products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> DoublePair(ref T x, Vector512<T> x0, ref T src, ref int cols, int k, int d)
    {
        var a = Products(x0, ref x, ref src, Unsafe.Add(ref cols, k), d).AsDouble();
        var b = Products(x0, ref x, ref src, Unsafe.Add(ref cols, k + 1), d).AsDouble();
        return (Avx512F.UnpackLow(a, b) + Avx512F.UnpackHigh(a, b)).As<double, T>();
    }

    /// <summary>
    /// [u0+u1, u2+u3, v0+v1, v2+v3] of the 128-bit lanes of u and v: applied twice, the sums of all four lanes of
    /// each position of u, then of v.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> AcrossLanes(Vector512<T> u, Vector512<T> v)
    {
        var (a, b) = (u.AsSingle(), v.AsSingle());
        return Avx512F.Shuffle4x128(a, b, 0b10_00_10_00).As<float, T>() + Avx512F.Shuffle4x128(a, b, 0b11_01_11_01).As<float, T>();
    }
}
