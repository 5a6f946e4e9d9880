using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Per-channel loops over a sample's contiguous [rows, c] activations for the group norm, in row order: each row
/// (C = 64..128 values, a library call per row costs as much as its arithmetic) in 512-bit, then 256-bit vectors,
/// then scalars, with per-channel sums kept in the destination span. Row order reads the sample as one stream:
/// walking one block of channels down all rows and then the next, as these loops did, read each row's lines at a
/// 512-byte stride, which for activations not yet cached cost twice the time. Each channel's rows are added in
/// ascending order either way, so sums do not depend on the vector width or the loop order.
/// </summary>
internal static class ChannelRows<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static int W => Vector256<T>.Count;
    private static int W512 => Vector512.IsHardwareAccelerated ? Vector512<T>.Count : int.MaxValue;

    /// <summary>sums[j] = sum over rows i of x[i, j].</summary>
    public static void Sum(ReadOnlySpan<T> x, int rows, int c, Span<T> sums)
    {
        sums.Slice(0, c).Clear();
        ref T s0 = ref MemoryMarshal.GetReference(sums);
        for (int i = 0; i < rows; i++)
        {
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), (nint)i * c);
            int j = 0;
            for (; j + W512 <= c; j += W512)
                (Vector512.LoadUnsafe(ref s0, (nuint)j) + Vector512.LoadUnsafe(ref xr, (nuint)j)).StoreUnsafe(ref s0, (nuint)j);
            for (; j + W <= c; j += W)
                (Vector256.LoadUnsafe(ref s0, (nuint)j) + Vector256.LoadUnsafe(ref xr, (nuint)j)).StoreUnsafe(ref s0, (nuint)j);
            for (; j < c; j++) Unsafe.Add(ref s0, j) += Unsafe.Add(ref xr, j);
        }
    }

    /// <summary>sums[j] = sum over rows i of (x[i, j] - mean[j])^2.</summary>
    public static void SquaredDeviations(ReadOnlySpan<T> x, int rows, int c, ReadOnlySpan<T> mean, Span<T> sums)
    {
        sums.Slice(0, c).Clear();
        ref T s0 = ref MemoryMarshal.GetReference(sums);
        ref T m0 = ref MemoryMarshal.GetReference(mean);
        for (int i = 0; i < rows; i++)
        {
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), (nint)i * c);
            int j = 0;
            for (; j + W512 <= c; j += W512)
            {
                var d = Vector512.LoadUnsafe(ref xr, (nuint)j) - Vector512.LoadUnsafe(ref m0, (nuint)j);
                VectorFma.Fma(d, d, Vector512.LoadUnsafe(ref s0, (nuint)j)).StoreUnsafe(ref s0, (nuint)j);
            }
            for (; j + W <= c; j += W)
            {
                var d = Vector256.LoadUnsafe(ref xr, (nuint)j) - Vector256.LoadUnsafe(ref m0, (nuint)j);
                VectorFma.Fma(d, d, Vector256.LoadUnsafe(ref s0, (nuint)j)).StoreUnsafe(ref s0, (nuint)j);
            }
            for (; j < c; j++)
            {
                T d = Unsafe.Add(ref xr, j) - Unsafe.Add(ref m0, j);
                Unsafe.Add(ref s0, j) = T.FusedMultiplyAdd(d, d, Unsafe.Add(ref s0, j));
            }
        }
    }

    /// <summary>y[i, j] = z = x[i, j] scale[j] + shift[j] (one rounding), or SiLU(z) = z (1 / (1 + e^-z)) when <paramref name="silu"/>.</summary>
    public static void Affine(ReadOnlySpan<T> x, int rows, int c, ReadOnlySpan<T> scale, ReadOnlySpan<T> shift, Span<T> y, bool silu)
    {
        ref T sc = ref MemoryMarshal.GetReference(scale);
        ref T sh = ref MemoryMarshal.GetReference(shift);
        for (int i = 0; i < rows; i++)
        {
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), (nint)i * c);
            ref T yr = ref Unsafe.Add(ref MemoryMarshal.GetReference(y), (nint)i * c);
            int j = 0;
            // The SiLU's exp is most of the work: 512-bit vectors issue half as many instructions.
            for (; j + W512 <= c; j += W512)
            {
                var z = VectorFma.Fma(Vector512.LoadUnsafe(ref xr, (nuint)j), Vector512.LoadUnsafe(ref sc, (nuint)j), Vector512.LoadUnsafe(ref sh, (nuint)j));
                if (silu) z *= Sigmoid(z);
                z.StoreUnsafe(ref yr, (nuint)j);
            }
            for (; j + W <= c; j += W)
            {
                var z = VectorFma.Fma(Vector256.LoadUnsafe(ref xr, (nuint)j), Vector256.LoadUnsafe(ref sc, (nuint)j), Vector256.LoadUnsafe(ref sh, (nuint)j));
                if (silu) z *= Vector256<T>.One / (Vector256<T>.One + SimdMath<T>.Exp(-z));
                z.StoreUnsafe(ref yr, (nuint)j);
            }
            for (; j < c; j++)
            {
                T z = T.FusedMultiplyAdd(Unsafe.Add(ref xr, j), Unsafe.Add(ref sc, j), Unsafe.Add(ref sh, j));
                Unsafe.Add(ref yr, j) = silu ? z * (T.One / (T.One + T.Exp(-z))) : z;
            }
        }
    }

    /// <summary>
    /// The group norm's backward sums: a[j] = sum over rows of dy (x - mean[j]) rstd[j] and s[j] = sum over rows of dy.
    /// </summary>
    public static void BackwardSums(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int rows, int c, ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd,
        Span<T> a, Span<T> s) => Sums(x, dy, rows, c, mean, rstd, a, s, default, default, default, silu: false);

    /// <summary>dx[i, j] = x[i, j] beta[j] + (dy[i, j] alpha[j] + gamma[j]), each with one rounding.</summary>
    public static void InputGradient(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int rows, int c, ReadOnlySpan<T> alpha, ReadOnlySpan<T> beta,
        ReadOnlySpan<T> gamma, Span<T> dx)
    {
        ref T al = ref MemoryMarshal.GetReference(alpha);
        ref T be = ref MemoryMarshal.GetReference(beta);
        ref T ga = ref MemoryMarshal.GetReference(gamma);
        for (int i = 0; i < rows; i++)
        {
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), (nint)i * c);
            ref T gr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), (nint)i * c);
            ref T dr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dx), (nint)i * c);
            int j = 0;
            for (; j + W512 <= c; j += W512)
                VectorFma.Fma(Vector512.LoadUnsafe(ref xr, (nuint)j), Vector512.LoadUnsafe(ref be, (nuint)j),
                        VectorFma.Fma(Vector512.LoadUnsafe(ref gr, (nuint)j), Vector512.LoadUnsafe(ref al, (nuint)j), Vector512.LoadUnsafe(ref ga, (nuint)j)))
                    .StoreUnsafe(ref dr, (nuint)j);
            for (; j + W <= c; j += W)
                VectorFma.Fma(Vector256.LoadUnsafe(ref xr, (nuint)j), Vector256.LoadUnsafe(ref be, (nuint)j),
                        VectorFma.Fma(Vector256.LoadUnsafe(ref gr, (nuint)j), Vector256.LoadUnsafe(ref al, (nuint)j), Vector256.LoadUnsafe(ref ga, (nuint)j)))
                    .StoreUnsafe(ref dr, (nuint)j);
            for (; j < c; j++)
                Unsafe.Add(ref dr, j) = T.FusedMultiplyAdd(Unsafe.Add(ref xr, j), Unsafe.Add(ref be, j),
                    T.FusedMultiplyAdd(Unsafe.Add(ref gr, j), Unsafe.Add(ref al, j), Unsafe.Add(ref ga, j)));
        }
    }

    /// <summary>
    /// dz[i, j] = dy[i, j] SiLU'(z) with z = x[i, j] scale[j] + shift[j] (one rounding) and SiLU'(z) = s (1 + z (1 - s)),
    /// s = 1 / (1 + e^-z); in the same pass, the <see cref="BackwardSums"/> of dz: a[j] = sum over rows of
    /// dz (x - mean[j]) rstd[j] and s[j] = sum over rows of dz.
    /// </summary>
    public static void SiluGradientSums(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int rows, int c, ReadOnlySpan<T> scale, ReadOnlySpan<T> shift,
        ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd, Span<T> dz, Span<T> a, Span<T> s) =>
        Sums(x, dy, rows, c, mean, rstd, a, s, scale, shift, dz, silu: true);

    /// <summary><see cref="BackwardSums"/> of dy, or, with <paramref name="silu"/>, of dz as <see cref="SiluGradientSums"/> forms and stores it.</summary>
    private static void Sums(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int rows, int c, ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd,
        Span<T> a, Span<T> s, ReadOnlySpan<T> scale, ReadOnlySpan<T> shift, Span<T> dz, bool silu)
    {
        a.Slice(0, c).Clear();
        s.Slice(0, c).Clear();
        ref T sc = ref MemoryMarshal.GetReference(scale);
        ref T sh = ref MemoryMarshal.GetReference(shift);
        ref T m0 = ref MemoryMarshal.GetReference(mean);
        ref T r0 = ref MemoryMarshal.GetReference(rstd);
        ref T a0 = ref MemoryMarshal.GetReference(a);
        ref T s0 = ref MemoryMarshal.GetReference(s);
        for (int i = 0; i < rows; i++)
        {
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), (nint)i * c);
            ref T gr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), (nint)i * c);
            ref T dr = ref silu ? ref Unsafe.Add(ref MemoryMarshal.GetReference(dz), (nint)i * c) : ref gr;
            int j = 0;
            for (; j + W512 <= c; j += W512)
            {
                var xv = Vector512.LoadUnsafe(ref xr, (nuint)j);
                var g = Vector512.LoadUnsafe(ref gr, (nuint)j);
                if (silu)
                {
                    var z = VectorFma.Fma(xv, Vector512.LoadUnsafe(ref sc, (nuint)j), Vector512.LoadUnsafe(ref sh, (nuint)j));
                    var sig = Sigmoid(z);
                    g *= sig * (Vector512<T>.One + z * (Vector512<T>.One - sig));
                    g.StoreUnsafe(ref dr, (nuint)j);
                }
                var xhat = (xv - Vector512.LoadUnsafe(ref m0, (nuint)j)) * Vector512.LoadUnsafe(ref r0, (nuint)j);
                VectorFma.Fma(g, xhat, Vector512.LoadUnsafe(ref a0, (nuint)j)).StoreUnsafe(ref a0, (nuint)j);
                (Vector512.LoadUnsafe(ref s0, (nuint)j) + g).StoreUnsafe(ref s0, (nuint)j);
            }
            for (; j + W <= c; j += W)
            {
                var xv = Vector256.LoadUnsafe(ref xr, (nuint)j);
                var g = Vector256.LoadUnsafe(ref gr, (nuint)j);
                if (silu)
                {
                    var z = VectorFma.Fma(xv, Vector256.LoadUnsafe(ref sc, (nuint)j), Vector256.LoadUnsafe(ref sh, (nuint)j));
                    var sig = Vector256<T>.One / (Vector256<T>.One + SimdMath<T>.Exp(-z));
                    g *= sig * (Vector256<T>.One + z * (Vector256<T>.One - sig));
                    g.StoreUnsafe(ref dr, (nuint)j);
                }
                var xhat = (xv - Vector256.LoadUnsafe(ref m0, (nuint)j)) * Vector256.LoadUnsafe(ref r0, (nuint)j);
                VectorFma.Fma(g, xhat, Vector256.LoadUnsafe(ref a0, (nuint)j)).StoreUnsafe(ref a0, (nuint)j);
                (Vector256.LoadUnsafe(ref s0, (nuint)j) + g).StoreUnsafe(ref s0, (nuint)j);
            }
            for (; j < c; j++)
            {
                T xv = Unsafe.Add(ref xr, j), g = Unsafe.Add(ref gr, j);
                if (silu)
                {
                    T z = T.FusedMultiplyAdd(xv, Unsafe.Add(ref sc, j), Unsafe.Add(ref sh, j));
                    T sig = T.One / (T.One + T.Exp(-z));
                    g *= sig * (T.One + z * (T.One - sig));
                    Unsafe.Add(ref dr, j) = g;
                }
                Unsafe.Add(ref a0, j) = T.FusedMultiplyAdd(g, (xv - Unsafe.Add(ref m0, j)) * Unsafe.Add(ref r0, j), Unsafe.Add(ref a0, j));
                Unsafe.Add(ref s0, j) += g;
            }
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
