using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static GsdmCore.Backends.Cpu.VectorFma;
namespace GsdmCore.Backends.Cpu;

// The weighted sums along the edges of a range of rows: gathers into registers and scatters into a packed
// accumulator. The packed [n, d] matrices have row stride d. d = one 512-bit vector (16 floats, the usual head
// dimension) gets code of its own with d a constant, as does d = two 256-bit vectors on machines without AVX-512;
// otherwise 512-bit chunks, then 256-bit ones and scalars.
// A gather sends edge e of a 512-bit (or 256-bit) chunk to accumulator (e - rs) % 4 in edge order and adds the four at the
// end, so its order depends on the row alone; a scatter visits rows in ascending order, edges in CSR order.
internal static partial class SparseAttentionKernels<T>
{
    /// <summary>Whether d is one 512-bit vector, to be taken as a constant.</summary>
    private static bool OneVector(int d) => Vector512.IsHardwareAccelerated && d == Vector512<T>.Count;

    /// <summary>Whether, without AVX-512, d is two 256-bit vectors (16 floats), to be taken as a constant.</summary>
    private static bool TwoVectors256(int d) =>
        !Vector512.IsHardwareAccelerated && Vector256.IsHardwareAccelerated && d == 2 * Vector256<T>.Count;

    /// <summary>
    /// y_i = sum_{e of row i} w[e] src[cols[e]] for rows [i0, i1) (zeros for no edges); y_i = y + (i - i0) * yStride and
    /// w[0] is the weight of edge rowPtr[i0].
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // a frame of its own: the callers hold many references
    private static void Gather(ReadOnlySpan<T> w, int[] rowPtr, int[] cols, int i0, int i1, ref T src, ref T y, int yStride, int d)
    {
        if (OneVector(d)) GatherRows(w, rowPtr, cols, i0, i1, ref src, ref y, yStride, Vector512<T>.Count);
        else if (TwoVectors256(d)) GatherRows(w, rowPtr, cols, i0, i1, ref src, ref y, yStride, 2 * Vector256<T>.Count);
        else GatherRows(w, rowPtr, cols, i0, i1, ref src, ref y, yStride, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatherRows(ReadOnlySpan<T> w, int[] rowPtr, int[] cols, int i0, int i1, ref T src, ref T y, int yStride, int d)
    {
        ref T w0 = ref MemoryMarshal.GetReference(w);
        // Edge e of the block is edge rowPtr[i0] + e of the graph.
        int e0 = rowPtr[i0];
        ref int c0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols), e0);
        for (int i = i0; i < i1; i++)
        {
            int rs = rowPtr[i] - e0, re = rowPtr[i + 1] - e0;
            ref T yi = ref Unsafe.Add(ref y, (nint)(i - i0) * yStride);
            PrefetchRow(ref yi, PrefetchDistance, yStride);
            int c = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; c <= d - Vector512<T>.Count; c += Vector512<T>.Count)
                    GatherChunk(ref w0, ref c0, rs, re, ref Unsafe.Add(ref src, c), d).StoreUnsafe(ref yi, (nuint)c);
            if (TwoVectors256(d)) EdgesTwo256(ref w0, ref c0, rs, re, ref src, ref yi, ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), d, gather: true, scatter: false);
            else if (c < d) GatherRest(ref w0, ref c0, rs, re, ref src, ref yi, c, d);
        }
    }

    /// <summary>One row's gather of one 512-bit chunk, four accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> GatherChunk(ref T w, ref int cols, int rs, int re, ref T src, int d)
    {
        Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
        int e = rs;
        for (; e <= re - 4; e += 4)
        {
            a0 = GatherOne(ref w, ref cols, e, ref src, d, a0);
            a1 = GatherOne(ref w, ref cols, e + 1, ref src, d, a1);
            a2 = GatherOne(ref w, ref cols, e + 2, ref src, d, a2);
            a3 = GatherOne(ref w, ref cols, e + 3, ref src, d, a3);
        }
        if (e < re) a0 = GatherOne(ref w, ref cols, e, ref src, d, a0);
        if (e + 1 < re) a1 = GatherOne(ref w, ref cols, e + 1, ref src, d, a1);
        if (e + 2 < re) a2 = GatherOne(ref w, ref cols, e + 2, ref src, d, a2);
        return (a0 + a1) + (a2 + a3);
    }

    /// <summary>acc + w[e] src[cols[e]] (one 512-bit chunk).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> GatherOne(ref T w, ref int cols, int e, ref T src, int d, Vector512<T> acc) =>
        Fma(Vector512.Create(Unsafe.Add(ref w, e)), Vector512.LoadUnsafe(ref Unsafe.Add(ref src, (nint)Unsafe.Add(ref cols, e) * d)), acc);

    /// <summary>
    /// One row's gather of elements [c, d): 256-bit chunks (the whole row without AVX-512, d not 16) with four
    /// accumulators as <see cref="GatherChunk"/>, then scalars, one accumulator each in edge order.
    /// </summary>
    private static void GatherRest(ref T w, ref int cols, int rs, int re, ref T src, ref T y, int c, int d)
    {
        if (Vector256.IsHardwareAccelerated)
            for (; c <= d - Vector256<T>.Count; c += Vector256<T>.Count)
                GatherChunk256(ref w, ref cols, rs, re, ref Unsafe.Add(ref src, c), d).StoreUnsafe(ref y, (nuint)c);
        for (; c < d; c++)
        {
            T acc = T.Zero;
            for (int e = rs; e < re; e++) acc += Unsafe.Add(ref w, e) * Unsafe.Add(ref src, (nint)Unsafe.Add(ref cols, e) * d + c);
            Unsafe.Add(ref y, c) = acc;
        }
    }

    /// <summary>dst[cols[e]] += w[e] x_i for the edges e of rows [i0, i1); x_i = x + i * xStride, w[0] the weight of edge rowPtr[i0].</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // a frame of its own: the callers hold many references
    private static void Scatter(ReadOnlySpan<T> w, int[] rowPtr, int[] cols, int i0, int i1, ref T x, int xStride, ref T dst, int d)
    {
        if (OneVector(d)) ScatterRows(w, rowPtr, cols, i0, i1, ref x, xStride, ref dst, Vector512<T>.Count);
        else if (TwoVectors256(d)) ScatterRows(w, rowPtr, cols, i0, i1, ref x, xStride, ref dst, 2 * Vector256<T>.Count);
        else ScatterRows(w, rowPtr, cols, i0, i1, ref x, xStride, ref dst, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScatterRows(ReadOnlySpan<T> w, int[] rowPtr, int[] cols, int i0, int i1, ref T x, int xStride, ref T dst, int d)
    {
        ref T w0 = ref MemoryMarshal.GetReference(w);
        // Edge e of the block is edge rowPtr[i0] + e of the graph.
        int e0 = rowPtr[i0];
        ref int c0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols), e0);
        for (int i = i0; i < i1; i++)
        {
            int rs = rowPtr[i] - e0, re = rowPtr[i + 1] - e0;
            ref T xi = ref Unsafe.Add(ref x, (nint)i * xStride);
            PrefetchRow(ref xi, PrefetchDistance, xStride);
            int c = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; c <= d - Vector512<T>.Count; c += Vector512<T>.Count)
                {
                    var xv = Vector512.LoadUnsafe(ref xi, (nuint)c);
                    ref T t = ref Unsafe.Add(ref dst, c);
                    for (int e = rs; e < re; e++)
                        ScatterOne(Vector512.Create(Unsafe.Add(ref w0, e)), xv, ref Unsafe.Add(ref t, (nint)Unsafe.Add(ref c0, e) * d));
                }
            if (TwoVectors256(d)) EdgesTwo256(ref w0, ref c0, rs, re, ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), ref xi, ref dst, d, gather: false, scatter: true);
            else if (c < d) ScatterRest(ref w0, ref c0, rs, re, ref xi, ref dst, c, d);
        }
    }

    /// <summary>
    /// The gather y_i = sum_e w[e] src[cols[e]] (as <see cref="Gather"/>) and the scatter dst[cols[e]] += w[e] x_i
    /// (as <see cref="Scatter"/>) in one pass over the edges of rows [i0, i1), which share the weights and the columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // a frame of its own: the callers hold many references
    private static void GatherScatter(ReadOnlySpan<T> w, int[] rowPtr, int[] cols, int i0, int i1, ref T src, ref T y, int yStride,
        ref T x, int xStride, ref T dst, int d)
    {
        if (OneVector(d)) GatherScatterRows(w, rowPtr, cols, i0, i1, ref src, ref y, yStride, ref x, xStride, ref dst, Vector512<T>.Count);
        else if (TwoVectors256(d)) GatherScatterRows(w, rowPtr, cols, i0, i1, ref src, ref y, yStride, ref x, xStride, ref dst, 2 * Vector256<T>.Count);
        else GatherScatterRows(w, rowPtr, cols, i0, i1, ref src, ref y, yStride, ref x, xStride, ref dst, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatherScatterRows(ReadOnlySpan<T> w, int[] rowPtr, int[] cols, int i0, int i1, ref T src, ref T y, int yStride,
        ref T x, int xStride, ref T dst, int d)
    {
        ref T w0 = ref MemoryMarshal.GetReference(w);
        // Edge e of the block is edge rowPtr[i0] + e of the graph.
        int e0 = rowPtr[i0];
        ref int c0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols), e0);
        for (int i = i0; i < i1; i++)
        {
            int rs = rowPtr[i] - e0, re = rowPtr[i + 1] - e0;
            ref T yi = ref Unsafe.Add(ref y, (nint)(i - i0) * yStride);
            ref T xi = ref Unsafe.Add(ref x, (nint)i * xStride);
            PrefetchRow(ref xi, PrefetchDistance, xStride);
            PrefetchRow(ref yi, PrefetchDistance, yStride);
            int c = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; c <= d - Vector512<T>.Count; c += Vector512<T>.Count)
                {
                    var xv = Vector512.LoadUnsafe(ref xi, (nuint)c);
                    ref T s = ref Unsafe.Add(ref src, c);
                    ref T t = ref Unsafe.Add(ref dst, c);
                    Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
                    int e = rs;
                    for (; e <= re - 4; e += 4)
                    {
                        a0 = GatherScatterOne(ref w0, ref c0, e, ref s, ref t, d, xv, a0);
                        a1 = GatherScatterOne(ref w0, ref c0, e + 1, ref s, ref t, d, xv, a1);
                        a2 = GatherScatterOne(ref w0, ref c0, e + 2, ref s, ref t, d, xv, a2);
                        a3 = GatherScatterOne(ref w0, ref c0, e + 3, ref s, ref t, d, xv, a3);
                    }
                    if (e < re) a0 = GatherScatterOne(ref w0, ref c0, e, ref s, ref t, d, xv, a0);
                    if (e + 1 < re) a1 = GatherScatterOne(ref w0, ref c0, e + 1, ref s, ref t, d, xv, a1);
                    if (e + 2 < re) a2 = GatherScatterOne(ref w0, ref c0, e + 2, ref s, ref t, d, xv, a2);
                    ((a0 + a1) + (a2 + a3)).StoreUnsafe(ref yi, (nuint)c);
                }
            if (TwoVectors256(d)) EdgesTwo256(ref w0, ref c0, rs, re, ref src, ref yi, ref xi, ref dst, d, gather: true, scatter: true);
            else if (c < d)
            {
                GatherRest(ref w0, ref c0, rs, re, ref src, ref yi, c, d);
                ScatterRest(ref w0, ref c0, rs, re, ref xi, ref dst, c, d);
            }
        }
    }

    /// <summary>Edge e of <see cref="GatherScatter"/>: scatters into t and returns acc + w[e] s[cols[e]].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> GatherScatterOne(ref T w, ref int cols, int e, ref T s, ref T t, int d, Vector512<T> xv, Vector512<T> acc)
    {
        var wv = Vector512.Create(Unsafe.Add(ref w, e));
        nint at = (nint)Unsafe.Add(ref cols, e) * d;
        ScatterOne(wv, xv, ref Unsafe.Add(ref t, at));
        return Fma(wv, Vector512.LoadUnsafe(ref Unsafe.Add(ref s, at)), acc);
    }

    /// <summary>y += w x for one 512-bit chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScatterOne(Vector512<T> w, Vector512<T> x, ref T y) => Fma(w, x, Vector512.LoadUnsafe(ref y)).StoreUnsafe(ref y);

    /// <summary>
    /// One row's edges for d = two 256-bit vectors (<see cref="TwoVectors256"/>), both halves in one pass over the edges:
    /// with <paramref name="gather"/>, y = sum_e w[e] src[cols[e]] in four accumulators per half as
    /// <see cref="GatherChunk256"/> (so the same sums as a pass per half); with <paramref name="scatter"/>,
    /// dst[cols[e]] += w[e] x in edge order. A pass per half read each edge's column and weight twice, and a
    /// gather-scatter made four passes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EdgesTwo256(ref T w, ref int cols, int rs, int re, ref T src, ref T y, ref T x, ref T dst, int d, bool gather, bool scatter)
    {
        int h = Vector256<T>.Count;
        Vector256<T> xl = default, xh = default;
        if (scatter) (xl, xh) = (Vector256.LoadUnsafe(ref x), Vector256.LoadUnsafe(ref x, (nuint)h));
        Vector256<T> l0 = default, l1 = default, l2 = default, l3 = default, h0 = default, h1 = default, h2 = default, h3 = default;
        int e = rs;
        for (; e <= re - 4; e += 4)
        {
            EdgeTwo256(ref w, ref cols, e, ref src, ref dst, d, xl, xh, ref l0, ref h0, gather, scatter);
            EdgeTwo256(ref w, ref cols, e + 1, ref src, ref dst, d, xl, xh, ref l1, ref h1, gather, scatter);
            EdgeTwo256(ref w, ref cols, e + 2, ref src, ref dst, d, xl, xh, ref l2, ref h2, gather, scatter);
            EdgeTwo256(ref w, ref cols, e + 3, ref src, ref dst, d, xl, xh, ref l3, ref h3, gather, scatter);
        }
        if (e < re) EdgeTwo256(ref w, ref cols, e, ref src, ref dst, d, xl, xh, ref l0, ref h0, gather, scatter);
        if (e + 1 < re) EdgeTwo256(ref w, ref cols, e + 1, ref src, ref dst, d, xl, xh, ref l1, ref h1, gather, scatter);
        if (e + 2 < re) EdgeTwo256(ref w, ref cols, e + 2, ref src, ref dst, d, xl, xh, ref l2, ref h2, gather, scatter);
        if (!gather) return;
        ((l0 + l1) + (l2 + l3)).StoreUnsafe(ref y);
        ((h0 + h1) + (h2 + h3)).StoreUnsafe(ref y, (nuint)h);
    }

    /// <summary>Edge e of <see cref="EdgesTwo256"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EdgeTwo256(ref T w, ref int cols, int e, ref T src, ref T dst, int d, Vector256<T> xl, Vector256<T> xh,
        ref Vector256<T> low, ref Vector256<T> high, bool gather, bool scatter)
    {
        int h = Vector256<T>.Count;
        var wv = Vector256.Create(Unsafe.Add(ref w, e));
        nint at = (nint)Unsafe.Add(ref cols, e) * d;
        if (scatter)
        {
            ref T t = ref Unsafe.Add(ref dst, at);
            Fma(wv, xl, Vector256.LoadUnsafe(ref t)).StoreUnsafe(ref t);
            Fma(wv, xh, Vector256.LoadUnsafe(ref t, (nuint)h)).StoreUnsafe(ref t, (nuint)h);
        }
        if (gather)
        {
            ref T row = ref Unsafe.Add(ref src, at);
            low = Fma(wv, Vector256.LoadUnsafe(ref row), low);
            high = Fma(wv, Vector256.LoadUnsafe(ref row, (nuint)h), high);
        }
    }

    /// <summary>One row's gather of one 256-bit chunk, four accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> GatherChunk256(ref T w, ref int cols, int rs, int re, ref T src, int d)
    {
        Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default;
        int e = rs;
        for (; e <= re - 4; e += 4)
        {
            a0 = GatherOne256(ref w, ref cols, e, ref src, d, a0);
            a1 = GatherOne256(ref w, ref cols, e + 1, ref src, d, a1);
            a2 = GatherOne256(ref w, ref cols, e + 2, ref src, d, a2);
            a3 = GatherOne256(ref w, ref cols, e + 3, ref src, d, a3);
        }
        if (e < re) a0 = GatherOne256(ref w, ref cols, e, ref src, d, a0);
        if (e + 1 < re) a1 = GatherOne256(ref w, ref cols, e + 1, ref src, d, a1);
        if (e + 2 < re) a2 = GatherOne256(ref w, ref cols, e + 2, ref src, d, a2);
        return (a0 + a1) + (a2 + a3);
    }

    /// <summary>acc + w[e] src[cols[e]] (one 256-bit chunk).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> GatherOne256(ref T w, ref int cols, int e, ref T src, int d, Vector256<T> acc) =>
        Fma(Vector256.Create(Unsafe.Add(ref w, e)), Vector256.LoadUnsafe(ref Unsafe.Add(ref src, (nint)Unsafe.Add(ref cols, e) * d)), acc);

    /// <summary>One row's scatter of elements [c, d): 256-bit chunks (the whole row without AVX-512, d not 16), then scalars.</summary>
    private static void ScatterRest(ref T w, ref int cols, int rs, int re, ref T x, ref T dst, int c, int d)
    {
        if (Vector256.IsHardwareAccelerated)
            for (; c <= d - Vector256<T>.Count; c += Vector256<T>.Count)
            {
                var xv = Vector256.LoadUnsafe(ref x, (nuint)c);
                for (int e = rs; e < re; e++)
                {
                    ref T y = ref Unsafe.Add(ref dst, (nint)Unsafe.Add(ref cols, e) * d + c);
                    Fma(Vector256.Create(Unsafe.Add(ref w, e)), xv, Vector256.LoadUnsafe(ref y)).StoreUnsafe(ref y);
                }
            }
        for (; c < d; c++)
        {
            T xc = Unsafe.Add(ref x, c);
            for (int e = rs; e < re; e++) Unsafe.Add(ref dst, (nint)Unsafe.Add(ref cols, e) * d + c) += Unsafe.Add(ref w, e) * xc;
        }
    }
}
