using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
namespace GsdmCore.Backends.Cpu;

// The per-row passes of rows longer than four 256-bit vectors (33 and more floats: Sudoku 16x16 and 25x25 rows of
// 40 and 65 keys), with 512-bit vectors: two accumulators over the whole vectors, then one vector ending at the row's
// end whose lanes already counted are masked out of the sums (Fresh512). Its values are computed from the row as it
// was, before the loop stores over the lanes it shares with it, and stored last: for those lanes both stores are the
// same value. The order of operations depends on the row's length alone.
internal static partial class SparseAttentionKernels<T>
{
    /// <summary>Whether <see cref="SoftmaxLong"/> and <see cref="DsFromDotsLong"/> take a row of this length.</summary>
    private static bool LongRow(int length) => Vector512.IsHardwareAccelerated && length > 4 * Vector256<T>.Count;

    /// <summary>Lanes of the vector at <paramref name="offset"/> not held by the whole vectors before <paramref name="covered"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fresh512(int covered, int offset) =>
        Vector512.GreaterThanOrEqual(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(covered - offset)));

    /// <summary>In place: p = softmax(scale * p) for one row of dot products, <see cref="LongRow"/>.</summary>
    private static void SoftmaxLong(ref T p0, int length, T scale)
    {
        int w = Vector512<T>.Count, full = length - length % w, last = length - w;
        var vscale = Vector512.Create(scale);
        var tail = Vector512.LoadUnsafe(ref p0, (nuint)last) * vscale;
        Vector512<T> m0 = tail, m1 = Vector512.Create(T.NegativeInfinity);
        int e = 0;
        for (; e + 2 * w <= full; e += 2 * w)
        {
            m0 = Vector512.MaxNative(m0, Vector512.LoadUnsafe(ref p0, (nuint)e) * vscale);
            m1 = Vector512.MaxNative(m1, Vector512.LoadUnsafe(ref p0, (nuint)(e + w)) * vscale);
        }
        if (e < full) m0 = Vector512.MaxNative(m0, Vector512.LoadUnsafe(ref p0, (nuint)e) * vscale);
        var m = Vector512.MaxNative(m0, m1);
        var top = Vector256.Create(HorizontalMax(Vector256.MaxNative(m.GetLower(), m.GetUpper())));
        var vtop = Vector512.Create(top, top);
        var lastY = ExpOfNonPositive512(tail - vtop);
        Vector512<T> s0 = lastY & Fresh512(full, last), s1 = default;
        for (e = 0; e + 2 * w <= full; e += 2 * w)
        {
            var y0 = ExpOfNonPositive512(Vector512.LoadUnsafe(ref p0, (nuint)e) * vscale - vtop);
            var y1 = ExpOfNonPositive512(Vector512.LoadUnsafe(ref p0, (nuint)(e + w)) * vscale - vtop);
            y0.StoreUnsafe(ref p0, (nuint)e);
            y1.StoreUnsafe(ref p0, (nuint)(e + w));
            s0 += y0;
            s1 += y1;
        }
        if (e < full)
        {
            var y = ExpOfNonPositive512(Vector512.LoadUnsafe(ref p0, (nuint)e) * vscale - vtop);
            y.StoreUnsafe(ref p0, (nuint)e);
            s0 += y;
        }
        var inv = Vector512.Create(T.One / Vector512.Sum(s0 + s1));
        for (e = 0; e < full; e += w) (Vector512.LoadUnsafe(ref p0, (nuint)e) * inv).StoreUnsafe(ref p0, (nuint)e);
        (lastY * inv).StoreUnsafe(ref p0, (nuint)last);
    }

    /// <summary>In place, for one row, <see cref="LongRow"/>: s = scale * ((s - sum_e p_e s_e) * p).</summary>
    private static void DsFromDotsLong(ref T s0, ref T p0, int length, T scale)
    {
        int w = Vector512<T>.Count, full = length - length % w, last = length - w;
        var sLast = Vector512.LoadUnsafe(ref s0, (nuint)last);
        var pLast = Vector512.LoadUnsafe(ref p0, (nuint)last);
        Vector512<T> d0 = sLast * pLast & Fresh512(full, last), d1 = default;
        int e = 0;
        for (; e + 2 * w <= full; e += 2 * w)
        {
            d0 = VectorFma.Fma(Vector512.LoadUnsafe(ref s0, (nuint)e), Vector512.LoadUnsafe(ref p0, (nuint)e), d0);
            d1 = VectorFma.Fma(Vector512.LoadUnsafe(ref s0, (nuint)(e + w)), Vector512.LoadUnsafe(ref p0, (nuint)(e + w)), d1);
        }
        if (e < full) d0 = VectorFma.Fma(Vector512.LoadUnsafe(ref s0, (nuint)e), Vector512.LoadUnsafe(ref p0, (nuint)e), d0);
        var rowDot = Vector512.Create(Vector512.Sum(d0 + d1));
        var vscale = Vector512.Create(scale);
        for (e = 0; e < full; e += w)
            (vscale * ((Vector512.LoadUnsafe(ref s0, (nuint)e) - rowDot) * Vector512.LoadUnsafe(ref p0, (nuint)e))).StoreUnsafe(ref s0, (nuint)e);
        (vscale * ((sLast - rowDot) * pLast)).StoreUnsafe(ref s0, (nuint)last);
    }

    /// <summary>e^x for x &lt;= 0, 512-bit: <see cref="VectorExp.ExpOfNonPositive(Vector512{float})"/> for floats, <see cref="SimdMath{T}.Exp(Vector512{T})"/> for doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> ExpOfNonPositive512(Vector512<T> x) =>
        typeof(T) == typeof(float) ? VectorExp.ExpOfNonPositive(x.As<T, float>()).As<float, T>() : SimdMath<T>.Exp(x);
}
