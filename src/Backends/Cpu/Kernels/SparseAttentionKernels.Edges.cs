using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
namespace GsdmCore.Backends.Cpu;

// The weighted sums along a row's edges: gathers into registers and scatters into a packed accumulator, 512-bit
// chunks first, then 256-bit ones and scalars for the rest of d.
internal static partial class SparseAttentionKernels<T>
{
    /// <summary>
    /// y = sum_{e in [rs, re)} w[e] src[cols[e]] (zeros for no edges). Edge e goes to accumulator (e - rs) % 4 in
    /// edge order, and the four are added at the end: the order depends on the row alone.
    /// </summary>
    private static void Gather(ReadOnlySpan<T> w, int[] cols, int rs, int re, ref T src, int stride, ref T y, int d)
    {
        ref T w0 = ref MemoryMarshal.GetReference(w);
        ref int c0 = ref MemoryMarshal.GetArrayDataReference(cols);
        int c = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; c <= d - Vector512<T>.Count; c += Vector512<T>.Count)
                GatherChunk(ref w0, ref c0, rs, re, ref Unsafe.Add(ref src, c), stride).StoreUnsafe(ref y, (nuint)c);
        GatherRest(ref w0, ref c0, rs, re, ref src, stride, ref y, c, d);
    }

    /// <summary>Gather of one 512-bit chunk, four accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> GatherChunk(ref T w, ref int cols, int rs, int re, ref T src, int stride)
    {
        Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
        int e = rs;
        for (; e <= re - 4; e += 4)
        {
            a0 = Fma(Vector512.Create(Unsafe.Add(ref w, e)), Vector512.LoadUnsafe(ref Unsafe.Add(ref src, (nint)Unsafe.Add(ref cols, e) * stride)), a0);
            a1 = Fma(Vector512.Create(Unsafe.Add(ref w, e + 1)), Vector512.LoadUnsafe(ref Unsafe.Add(ref src, (nint)Unsafe.Add(ref cols, e + 1) * stride)), a1);
            a2 = Fma(Vector512.Create(Unsafe.Add(ref w, e + 2)), Vector512.LoadUnsafe(ref Unsafe.Add(ref src, (nint)Unsafe.Add(ref cols, e + 2) * stride)), a2);
            a3 = Fma(Vector512.Create(Unsafe.Add(ref w, e + 3)), Vector512.LoadUnsafe(ref Unsafe.Add(ref src, (nint)Unsafe.Add(ref cols, e + 3) * stride)), a3);
        }
        if (e < re)
            a0 = Fma(Vector512.Create(Unsafe.Add(ref w, e)), Vector512.LoadUnsafe(ref Unsafe.Add(ref src, (nint)Unsafe.Add(ref cols, e) * stride)), a0);
        if (e + 1 < re)
            a1 = Fma(Vector512.Create(Unsafe.Add(ref w, e + 1)), Vector512.LoadUnsafe(ref Unsafe.Add(ref src, (nint)Unsafe.Add(ref cols, e + 1) * stride)), a1);
        if (e + 2 < re)
            a2 = Fma(Vector512.Create(Unsafe.Add(ref w, e + 2)), Vector512.LoadUnsafe(ref Unsafe.Add(ref src, (nint)Unsafe.Add(ref cols, e + 2) * stride)), a2);
        return (a0 + a1) + (a2 + a3);
    }

    /// <summary>Gather of elements [c, d): 256-bit chunks, then scalars, one accumulator each in edge order.</summary>
    private static void GatherRest(ref T w, ref int cols, int rs, int re, ref T src, int stride, ref T y, int c, int d)
    {
        if (Vector256.IsHardwareAccelerated)
            for (; c <= d - Vector256<T>.Count; c += Vector256<T>.Count)
            {
                var acc = Vector256<T>.Zero;
                for (int e = rs; e < re; e++)
                    acc += Vector256.Create(Unsafe.Add(ref w, e)) * Vector256.LoadUnsafe(ref Unsafe.Add(ref src, (nint)Unsafe.Add(ref cols, e) * stride + c));
                acc.StoreUnsafe(ref y, (nuint)c);
            }
        for (; c < d; c++)
        {
            T acc = T.Zero;
            for (int e = rs; e < re; e++) acc += Unsafe.Add(ref w, e) * Unsafe.Add(ref src, (nint)Unsafe.Add(ref cols, e) * stride + c);
            Unsafe.Add(ref y, c) = acc;
        }
    }

    /// <summary>dst[cols[e]] += w[e] x for e in [rs, re), in edge order.</summary>
    private static void Scatter(ReadOnlySpan<T> w, int[] cols, int rs, int re, ref T x, ref T dst, int stride, int d)
    {
        ref T w0 = ref MemoryMarshal.GetReference(w);
        ref int c0 = ref MemoryMarshal.GetArrayDataReference(cols);
        int c = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; c <= d - Vector512<T>.Count; c += Vector512<T>.Count)
            {
                var xv = Vector512.LoadUnsafe(ref x, (nuint)c);
                for (int e = rs; e < re; e++)
                    ScatterOne(Vector512.Create(Unsafe.Add(ref w0, e)), xv, ref Unsafe.Add(ref dst, (nint)Unsafe.Add(ref c0, e) * stride + c));
            }
        ScatterRest(ref w0, ref c0, rs, re, ref x, ref dst, stride, c, d);
    }

    /// <summary>
    /// The gather y = sum_e w[e] src[cols[e]] (as <see cref="Gather"/>) and the scatter dst[cols[e]] += w[e] x (as
    /// <see cref="Scatter"/>) in one pass over the edges, which share the weights and the columns.
    /// </summary>
    private static void GatherScatter(ReadOnlySpan<T> w, int[] cols, int rs, int re, ref T src, ref T y, ref T x, ref T dst, int stride, int d)
    {
        ref T w0 = ref MemoryMarshal.GetReference(w);
        ref int c0 = ref MemoryMarshal.GetArrayDataReference(cols);
        int c = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; c <= d - Vector512<T>.Count; c += Vector512<T>.Count)
            {
                var xv = Vector512.LoadUnsafe(ref x, (nuint)c);
                ref T s = ref Unsafe.Add(ref src, c);
                ref T t = ref Unsafe.Add(ref dst, c);
                Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
                int e = rs;
                for (; e <= re - 4; e += 4)
                {
                    a0 = GatherScatterOne(ref w0, ref c0, e, ref s, ref t, stride, xv, a0);
                    a1 = GatherScatterOne(ref w0, ref c0, e + 1, ref s, ref t, stride, xv, a1);
                    a2 = GatherScatterOne(ref w0, ref c0, e + 2, ref s, ref t, stride, xv, a2);
                    a3 = GatherScatterOne(ref w0, ref c0, e + 3, ref s, ref t, stride, xv, a3);
                }
                if (e < re) a0 = GatherScatterOne(ref w0, ref c0, e, ref s, ref t, stride, xv, a0);
                if (e + 1 < re) a1 = GatherScatterOne(ref w0, ref c0, e + 1, ref s, ref t, stride, xv, a1);
                if (e + 2 < re) a2 = GatherScatterOne(ref w0, ref c0, e + 2, ref s, ref t, stride, xv, a2);
                ((a0 + a1) + (a2 + a3)).StoreUnsafe(ref y, (nuint)c);
            }
        GatherRest(ref w0, ref c0, rs, re, ref src, stride, ref y, c, d);
        ScatterRest(ref w0, ref c0, rs, re, ref x, ref dst, stride, c, d);
    }

    /// <summary>Edge e of <see cref="GatherScatter"/>: scatters into t and returns acc + w[e] s[cols[e]].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> GatherScatterOne(ref T w, ref int cols, int e, ref T s, ref T t, int stride, Vector512<T> xv, Vector512<T> acc)
    {
        var wv = Vector512.Create(Unsafe.Add(ref w, e));
        nint at = (nint)Unsafe.Add(ref cols, e) * stride;
        ScatterOne(wv, xv, ref Unsafe.Add(ref t, at));
        return Fma(wv, Vector512.LoadUnsafe(ref Unsafe.Add(ref s, at)), acc);
    }

    /// <summary>y += w x for one 512-bit chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScatterOne(Vector512<T> w, Vector512<T> x, ref T y) => Fma(w, x, Vector512.LoadUnsafe(ref y)).StoreUnsafe(ref y);

    /// <summary>Scatter of elements [c, d): 256-bit chunks, then scalars.</summary>
    private static void ScatterRest(ref T w, ref int cols, int rs, int re, ref T x, ref T dst, int stride, int c, int d)
    {
        if (Vector256.IsHardwareAccelerated)
            for (; c <= d - Vector256<T>.Count; c += Vector256<T>.Count)
            {
                var xv = Vector256.LoadUnsafe(ref x, (nuint)c);
                for (int e = rs; e < re; e++)
                {
                    ref T y = ref Unsafe.Add(ref dst, (nint)Unsafe.Add(ref cols, e) * stride + c);
                    (Vector256.LoadUnsafe(ref y) + Vector256.Create(Unsafe.Add(ref w, e)) * xv).StoreUnsafe(ref y);
                }
            }
        for (; c < d; c++)
        {
            T xc = Unsafe.Add(ref x, c);
            for (int e = rs; e < re; e++) Unsafe.Add(ref dst, (nint)Unsafe.Add(ref cols, e) * stride + c) += Unsafe.Add(ref w, e) * xc;
        }
    }
}
