using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Per-channel loops over a sample's contiguous [rows, c] activations for the group norm. A row is only C = 64..128
/// values, so a library call per row costs as much as its arithmetic; these walk all rows for a block of one to four
/// vectors of channels at a time, any running sums in registers, each channel's rows added in ascending order (the
/// order a row-by-row loop has, so sums do not depend on the vector width).
/// </summary>
internal static class ChannelRows<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static int W => Vector256<T>.Count;

    /// <summary>sums[j] = sum over rows i of x[i, j].</summary>
    public static void Sum(ReadOnlySpan<T> x, int rows, int c, Span<T> sums) => Accumulate(x, rows, c, default, sums, squared: false);

    /// <summary>sums[j] = sum over rows i of (x[i, j] - mean[j])^2.</summary>
    public static void SquaredDeviations(ReadOnlySpan<T> x, int rows, int c, ReadOnlySpan<T> mean, Span<T> sums) =>
        Accumulate(x, rows, c, mean, sums, squared: true);

    private static void Accumulate(ReadOnlySpan<T> x, int rows, int c, ReadOnlySpan<T> mean, Span<T> sums, bool squared)
    {
        ref T x0 = ref MemoryMarshal.GetReference(x);
        int w = W, j = 0;
        for (; j + 4 * w <= c; j += 4 * w)
        {
            Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<T> m0 = default, m1 = default, m2 = default, m3 = default;
            if (squared)
            {
                m0 = Vector256.Create(mean.Slice(j, w));
                m1 = Vector256.Create(mean.Slice(j + w, w));
                m2 = Vector256.Create(mean.Slice(j + 2 * w, w));
                m3 = Vector256.Create(mean.Slice(j + 3 * w, w));
            }
            ref T row = ref Unsafe.Add(ref x0, j);
            for (int i = 0; i < rows; i++, row = ref Unsafe.Add(ref row, c))
            {
                var v0 = Vector256.LoadUnsafe(ref row);
                var v1 = Vector256.LoadUnsafe(ref row, (nuint)w);
                var v2 = Vector256.LoadUnsafe(ref row, (nuint)(2 * w));
                var v3 = Vector256.LoadUnsafe(ref row, (nuint)(3 * w));
                if (squared)
                {
                    (v0, v1, v2, v3) = (v0 - m0, v1 - m1, v2 - m2, v3 - m3);
                    a0 = VectorFma.Fma(v0, v0, a0);
                    a1 = VectorFma.Fma(v1, v1, a1);
                    a2 = VectorFma.Fma(v2, v2, a2);
                    a3 = VectorFma.Fma(v3, v3, a3);
                }
                else
                {
                    (a0, a1, a2, a3) = (a0 + v0, a1 + v1, a2 + v2, a3 + v3);
                }
            }
            a0.CopyTo(sums.Slice(j, w));
            a1.CopyTo(sums.Slice(j + w, w));
            a2.CopyTo(sums.Slice(j + 2 * w, w));
            a3.CopyTo(sums.Slice(j + 3 * w, w));
        }
        // Channels past the last block of four vectors, one at a time.
        for (; j < c; j++)
        {
            T acc = T.Zero, mu = squared ? mean[j] : T.Zero;
            for (int i = 0; i < rows; i++)
            {
                T v = x[i * c + j];
                acc = squared ? T.FusedMultiplyAdd(v - mu, v - mu, acc) : acc + v;
            }
            sums[j] = acc;
        }
    }

    /// <summary>y[i, j] = z = x[i, j] scale[j] + shift[j] (one rounding), or SiLU(z) = z (1 / (1 + e^-z)) when <paramref name="silu"/>.</summary>
    public static void Affine(ReadOnlySpan<T> x, int rows, int c, ReadOnlySpan<T> scale, ReadOnlySpan<T> shift, Span<T> y, bool silu)
    {
        ref T x0 = ref MemoryMarshal.GetReference(x);
        ref T y0 = ref MemoryMarshal.GetReference(y);
        int j = 0;
        // Whole 512-bit vectors first: the SiLU's exp is most of the work, and half as many instructions issue.
        if (Vector512.IsHardwareAccelerated)
            for (int w512 = Vector512<T>.Count; j + w512 <= c; j += w512)
            {
                var s = Vector512.Create(scale.Slice(j, w512));
                var t = Vector512.Create(shift.Slice(j, w512));
                ref T xr = ref Unsafe.Add(ref x0, j);
                ref T yr = ref Unsafe.Add(ref y0, j);
                for (int i = 0; i < rows; i++, xr = ref Unsafe.Add(ref xr, c), yr = ref Unsafe.Add(ref yr, c))
                {
                    var z = VectorFma.Fma(Vector512.LoadUnsafe(ref xr), s, t);
                    if (silu) z *= Sigmoid(z);
                    z.StoreUnsafe(ref yr);
                }
            }
        for (int w = W; j + w <= c; j += w)
        {
            var s = Vector256.Create(scale.Slice(j, w));
            var t = Vector256.Create(shift.Slice(j, w));
            ref T xr = ref Unsafe.Add(ref x0, j);
            ref T yr = ref Unsafe.Add(ref y0, j);
            for (int i = 0; i < rows; i++, xr = ref Unsafe.Add(ref xr, c), yr = ref Unsafe.Add(ref yr, c))
            {
                var z = VectorFma.Fma(Vector256.LoadUnsafe(ref xr), s, t);
                if (silu) z *= Vector256<T>.One / (Vector256<T>.One + SimdMath<T>.Exp(-z));
                z.StoreUnsafe(ref yr);
            }
        }
        for (; j < c; j++)
            for (int i = 0; i < rows; i++)
            {
                T z = T.FusedMultiplyAdd(x[i * c + j], scale[j], shift[j]);
                y[i * c + j] = silu ? z * (T.One / (T.One + T.Exp(-z))) : z;
            }
    }

    /// <summary>
    /// The group norm's backward sums: a[j] = sum over rows of dy (x - mean[j]) rstd[j] and s[j] = sum over rows of dy.
    /// </summary>
    public static void BackwardSums(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int rows, int c, ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd,
        Span<T> a, Span<T> s)
    {
        ref T x0 = ref MemoryMarshal.GetReference(x);
        ref T g0 = ref MemoryMarshal.GetReference(dy);
        int w = W, j = 0;
        for (; j + 2 * w <= c; j += 2 * w)
        {
            Vector256<T> a0 = default, a1 = default, s0 = default, s1 = default;
            var m0 = Vector256.Create(mean.Slice(j, w));
            var m1 = Vector256.Create(mean.Slice(j + w, w));
            var r0 = Vector256.Create(rstd.Slice(j, w));
            var r1 = Vector256.Create(rstd.Slice(j + w, w));
            ref T xr = ref Unsafe.Add(ref x0, j);
            ref T gr = ref Unsafe.Add(ref g0, j);
            for (int i = 0; i < rows; i++, xr = ref Unsafe.Add(ref xr, c), gr = ref Unsafe.Add(ref gr, c))
            {
                var g = Vector256.LoadUnsafe(ref gr);
                var h = Vector256.LoadUnsafe(ref gr, (nuint)w);
                a0 = VectorFma.Fma(g, (Vector256.LoadUnsafe(ref xr) - m0) * r0, a0);
                a1 = VectorFma.Fma(h, (Vector256.LoadUnsafe(ref xr, (nuint)w) - m1) * r1, a1);
                s0 += g;
                s1 += h;
            }
            a0.CopyTo(a.Slice(j, w));
            a1.CopyTo(a.Slice(j + w, w));
            s0.CopyTo(s.Slice(j, w));
            s1.CopyTo(s.Slice(j + w, w));
        }
        for (; j < c; j++)
        {
            T sa = T.Zero, ss = T.Zero;
            for (int i = 0; i < rows; i++)
            {
                T g = dy[i * c + j];
                sa = T.FusedMultiplyAdd(g, (x[i * c + j] - mean[j]) * rstd[j], sa);
                ss += g;
            }
            a[j] = sa;
            s[j] = ss;
        }
    }

    /// <summary>dx[i, j] = x[i, j] beta[j] + (dy[i, j] alpha[j] + gamma[j]), each with one rounding.</summary>
    public static void InputGradient(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int rows, int c, ReadOnlySpan<T> alpha, ReadOnlySpan<T> beta,
        ReadOnlySpan<T> gamma, Span<T> dx)
    {
        ref T x0 = ref MemoryMarshal.GetReference(x);
        ref T g0 = ref MemoryMarshal.GetReference(dy);
        ref T d0 = ref MemoryMarshal.GetReference(dx);
        int w = W, j = 0;
        for (; j + w <= c; j += w)
        {
            var al = Vector256.Create(alpha.Slice(j, w));
            var be = Vector256.Create(beta.Slice(j, w));
            var ga = Vector256.Create(gamma.Slice(j, w));
            for (nint at = j, end = (nint)rows * c; at < end; at += c)
                VectorFma.Fma(Vector256.LoadUnsafe(ref x0, (nuint)at), be, VectorFma.Fma(Vector256.LoadUnsafe(ref g0, (nuint)at), al, ga))
                    .StoreUnsafe(ref d0, (nuint)at);
        }
        for (; j < c; j++)
            for (int i = 0; i < rows; i++)
                dx[i * c + j] = T.FusedMultiplyAdd(x[i * c + j], beta[j], T.FusedMultiplyAdd(dy[i * c + j], alpha[j], gamma[j]));
    }

    /// <summary>
    /// dz[i, j] = dy[i, j] SiLU'(z) with z = x[i, j] scale[j] + shift[j] (one rounding) and SiLU'(z) = s (1 + z (1 - s)),
    /// s = 1 / (1 + e^-z).
    /// </summary>
    public static void SiluGradient(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int rows, int c, ReadOnlySpan<T> scale, ReadOnlySpan<T> shift, Span<T> dz)
    {
        ref T x0 = ref MemoryMarshal.GetReference(x);
        ref T g0 = ref MemoryMarshal.GetReference(dy);
        ref T d0 = ref MemoryMarshal.GetReference(dz);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (int w512 = Vector512<T>.Count; j + w512 <= c; j += w512)
            {
                var sc = Vector512.Create(scale.Slice(j, w512));
                var sh = Vector512.Create(shift.Slice(j, w512));
                for (nint at = j, end = (nint)rows * c; at < end; at += c)
                {
                    var z = VectorFma.Fma(Vector512.LoadUnsafe(ref x0, (nuint)at), sc, sh);
                    var sig = Sigmoid(z);
                    (Vector512.LoadUnsafe(ref g0, (nuint)at) * (sig * (Vector512<T>.One + z * (Vector512<T>.One - sig)))).StoreUnsafe(ref d0, (nuint)at);
                }
            }
        for (int w = W; j + w <= c; j += w)
        {
            var sc = Vector256.Create(scale.Slice(j, w));
            var sh = Vector256.Create(shift.Slice(j, w));
            for (nint at = j, end = (nint)rows * c; at < end; at += c)
            {
                var z = VectorFma.Fma(Vector256.LoadUnsafe(ref x0, (nuint)at), sc, sh);
                var sig = Vector256<T>.One / (Vector256<T>.One + SimdMath<T>.Exp(-z));
                (Vector256.LoadUnsafe(ref g0, (nuint)at) * (sig * (Vector256<T>.One + z * (Vector256<T>.One - sig)))).StoreUnsafe(ref d0, (nuint)at);
            }
        }
        for (; j < c; j++)
            for (int i = 0; i < rows; i++)
            {
                T z = T.FusedMultiplyAdd(x[i * c + j], scale[j], shift[j]);
                T sig = T.One / (T.One + T.Exp(-z));
                dz[i * c + j] = dy[i * c + j] * (sig * (T.One + z * (T.One - sig)));
            }
    }

    /// <summary>
    /// 1 / (1 + e^-z) from e = e^-|z|, which never overflows: 1 / (1 + e) for z &gt;= 0, e / (1 + e) below. For float
    /// that is the exp of a non-positive argument (fused multiply-adds, one clamp, one power of two), a third fewer
    /// instructions than the full-range exp; NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Sigmoid(Vector512<T> z)
    {
        var minusAbs = -Vector512.Abs(z);
        var e = typeof(T) == typeof(float)
            ? VectorExp.ExpOfNonPositive(minusAbs.As<T, float>()).As<float, T>()
            : SimdMath<T>.Exp(minusAbs);
        var r = Vector512<T>.One / (Vector512<T>.One + e);
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(z, Vector512<T>.Zero), r, e * r);
    }
}
