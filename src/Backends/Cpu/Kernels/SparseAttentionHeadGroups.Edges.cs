using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
namespace GsdmCore.Backends.Cpu;

// The loops over one row's edges for the head-group kernel. A row's per-edge values are kept edge-major, eight floats
// an edge (lane h = head h of the group). The dots and weighted sums take four heads at a time, whose 16-float rows
// fit eight registers: the dots keep q_i's four heads there and read only the k rows.
internal static partial class SparseAttentionHeadGroups
{
    /// <summary>
    /// dst[e * 8 + hFirst + h] = x_i[h] . src_{cols[e]}[h] for heads hFirst..hFirst+3 and the row's <paramref name="length"/>
    /// edges; head h of node j of src at src0 + j * srcNode + h * srcHead, of x at x + h * xHead. Two edges at a time: each
    /// edge's four products (16 lanes summed to 8 by one fused multiply-add) reduce by two rounds of horizontal adds to one
    /// 128-bit half of the result, and one cross-lane add finishes both edges; an odd last edge is paired with itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotsOfHalf(ref float x, int xHead, int hFirst, ref int cols, int length, ref float src0, int srcNode, int srcHead, ref float dst)
    {
        ref float xq = ref Unsafe.Add(ref x, (nint)hFirst * xHead);
        nint s1 = srcHead, s2 = 2 * (nint)srcHead, s3 = 3 * (nint)srcHead;
        var q0 = Vector256.LoadUnsafe(ref xq);
        var q1 = Vector256.LoadUnsafe(ref xq, 8);
        var q2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref xq, xHead));
        var q3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref xq, xHead), 8);
        var q4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref xq, 2 * xHead));
        var q5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref xq, 2 * xHead), 8);
        var q6 = Vector256.LoadUnsafe(ref Unsafe.Add(ref xq, 3 * xHead));
        var q7 = Vector256.LoadUnsafe(ref Unsafe.Add(ref xq, 3 * xHead), 8);
        ref float srcHalf = ref Unsafe.Add(ref src0, (nint)hFirst * srcHead);
        for (int e = 0; e < length; e += 2)
        {
            ref float a = ref Unsafe.Add(ref srcHalf, (nint)Unsafe.Add(ref cols, e) * srcNode);
            ref float b = ref Unsafe.Add(ref srcHalf, (nint)Unsafe.Add(ref cols, Math.Min(e + 1, length - 1)) * srcNode);
            var ra = Avx.HorizontalAdd(
                Avx.HorizontalAdd(Products(q0, q1, ref a), Products(q2, q3, ref Unsafe.Add(ref a, s1))),
                Avx.HorizontalAdd(Products(q4, q5, ref Unsafe.Add(ref a, s2)), Products(q6, q7, ref Unsafe.Add(ref a, s3))));
            var rb = Avx.HorizontalAdd(
                Avx.HorizontalAdd(Products(q0, q1, ref b), Products(q2, q3, ref Unsafe.Add(ref b, s1))),
                Avx.HorizontalAdd(Products(q4, q5, ref Unsafe.Add(ref b, s2)), Products(q6, q7, ref Unsafe.Add(ref b, s3))));
            // ra = [a's four sums over lanes 0-3 | over lanes 4-7]; the same for rb.
            var sums = Avx.Permute2x128(ra, rb, 0x20) + Avx.Permute2x128(ra, rb, 0x31);
            sums.GetLower().StoreUnsafe(ref Unsafe.Add(ref dst, e * Group + hFirst));
            if (e + 1 < length) sums.GetUpper().StoreUnsafe(ref Unsafe.Add(ref dst, (e + 1) * Group + hFirst));
        }
    }

    /// <summary>The lane-wise products of one head's 16 elements, x (as lo, hi) and row, summed pairwise into 8 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Products(Vector256<float> lo, Vector256<float> hi, ref float row) =>
        Fma.MultiplyAdd(hi, Vector256.LoadUnsafe(ref row, 8), lo * Vector256.LoadUnsafe(ref row));

    /// <summary>
    /// y_i[h] = sum_e w[e * 8 + hFirst + h] src_{cols[e]}[h] for heads hFirst..hFirst+3 (y's head h at y + h * yHead), each
    /// half of each head one accumulator, in edge order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightedSumsOfHalf(ref float w, int hFirst, ref int cols, int length, ref float src0, int srcNode, int srcHead,
        ref float y, int yHead)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        nint s1 = srcHead, s2 = 2 * (nint)srcHead, s3 = 3 * (nint)srcHead;
        ref float srcHalf = ref Unsafe.Add(ref src0, (nint)hFirst * srcHead);
        for (int e = 0; e < length; e++)
        {
            ref float row = ref Unsafe.Add(ref srcHalf, (nint)Unsafe.Add(ref cols, e) * srcNode);
            ref float we = ref Unsafe.Add(ref w, e * Group + hFirst);
            var w0 = Vector256.Create(we);
            a0 = Fma.MultiplyAdd(w0, Vector256.LoadUnsafe(ref row), a0);
            a1 = Fma.MultiplyAdd(w0, Vector256.LoadUnsafe(ref row, 8), a1);
            var w1 = Vector256.Create(Unsafe.Add(ref we, 1));
            a2 = Fma.MultiplyAdd(w1, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, s1)), a2);
            a3 = Fma.MultiplyAdd(w1, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, s1), 8), a3);
            var w2 = Vector256.Create(Unsafe.Add(ref we, 2));
            a4 = Fma.MultiplyAdd(w2, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, s2)), a4);
            a5 = Fma.MultiplyAdd(w2, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, s2), 8), a5);
            var w3 = Vector256.Create(Unsafe.Add(ref we, 3));
            a6 = Fma.MultiplyAdd(w3, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, s3)), a6);
            a7 = Fma.MultiplyAdd(w3, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, s3), 8), a7);
        }
        ref float yHalf = ref Unsafe.Add(ref y, (nint)hFirst * yHead);
        a0.StoreUnsafe(ref yHalf);
        a1.StoreUnsafe(ref yHalf, 8);
        a2.StoreUnsafe(ref Unsafe.Add(ref yHalf, yHead));
        a3.StoreUnsafe(ref Unsafe.Add(ref yHalf, yHead), 8);
        a4.StoreUnsafe(ref Unsafe.Add(ref yHalf, 2 * yHead));
        a5.StoreUnsafe(ref Unsafe.Add(ref yHalf, 2 * yHead), 8);
        a6.StoreUnsafe(ref Unsafe.Add(ref yHalf, 3 * yHead));
        a7.StoreUnsafe(ref Unsafe.Add(ref yHalf, 3 * yHead), 8);
    }

    /// <summary>
    /// In place, per head (lane) over the row's edges: p = softmax(scale * p), as the per-head kernels form it: the
    /// maximum of the scaled logits, e^(x - max) (<see cref="VectorExp.ExpOfNonPositive(Vector256{float})"/>), their sum
    /// in edge order, and a multiply by its reciprocal.
    /// </summary>
    private static void SoftmaxDownEdges(ref float p, int length, float scale)
    {
        var sc = Vector256.Create(scale);
        var top = Vector256.Create(float.NegativeInfinity);
        for (int e = 0; e < length; e++)
        {
            var x = Vector256.LoadUnsafe(ref p, (nuint)(e * Group)) * sc;
            x.StoreUnsafe(ref p, (nuint)(e * Group));
            top = Vector256.MaxNative(top, x);
        }
        var total = Vector256<float>.Zero;
        for (int e = 0; e < length; e++)
        {
            var y = VectorExp.ExpOfNonPositive(Vector256.LoadUnsafe(ref p, (nuint)(e * Group)) - top);
            y.StoreUnsafe(ref p, (nuint)(e * Group));
            total += y;
        }
        var inverse = Vector256<float>.One / total;
        for (int e = 0; e < length; e++) (Vector256.LoadUnsafe(ref p, (nuint)(e * Group)) * inverse).StoreUnsafe(ref p, (nuint)(e * Group));
    }
}
