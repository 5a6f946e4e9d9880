using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        int first = 0;
        for (; first <= c - Quad; first += Quad)
        {
            Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), first);
            for (int i = 0; i < rows; i++, xr = ref Unsafe.Add(ref xr, c))
            {
                a0 += Vector512.LoadUnsafe(ref xr);
                a1 += Vector512.LoadUnsafe(ref xr, (nuint)W512);
                a2 += Vector512.LoadUnsafe(ref xr, (nuint)(2 * W512));
                a3 += Vector512.LoadUnsafe(ref xr, (nuint)(3 * W512));
            }
            Store(a0, a1, a2, a3, ref Unsafe.Add(ref s0, first));
        }
        for (; first <= c - Quad256; first += Quad256)
        {
            Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default;
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), first);
            for (int i = 0; i < rows; i++, xr = ref Unsafe.Add(ref xr, c))
            {
                a0 += Vector256.LoadUnsafe(ref xr);
                a1 += Vector256.LoadUnsafe(ref xr, (nuint)W);
                a2 += Vector256.LoadUnsafe(ref xr, (nuint)(2 * W));
                a3 += Vector256.LoadUnsafe(ref xr, (nuint)(3 * W));
            }
            Store(a0, a1, a2, a3, ref Unsafe.Add(ref s0, first));
        }
        for (int i = 0; i < rows; i++)
        {
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), (nint)i * c);
            int j = first;
            for (; j <= c - W512; j += W512)
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
        int first = 0;
        for (; first <= c - Quad; first += Quad)
        {
            Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
            var (m1, m2, m3, m4) = Load4(ref Unsafe.Add(ref m0, first));
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), first);
            for (int i = 0; i < rows; i++, xr = ref Unsafe.Add(ref xr, c))
            {
                var d0 = Vector512.LoadUnsafe(ref xr) - m1;
                var d1 = Vector512.LoadUnsafe(ref xr, (nuint)W512) - m2;
                var d2 = Vector512.LoadUnsafe(ref xr, (nuint)(2 * W512)) - m3;
                var d3 = Vector512.LoadUnsafe(ref xr, (nuint)(3 * W512)) - m4;
                a0 = VectorFma.Fma(d0, d0, a0);
                a1 = VectorFma.Fma(d1, d1, a1);
                a2 = VectorFma.Fma(d2, d2, a2);
                a3 = VectorFma.Fma(d3, d3, a3);
            }
            Store(a0, a1, a2, a3, ref Unsafe.Add(ref s0, first));
        }
        for (; first <= c - Quad256; first += Quad256)
        {
            Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default;
            var (m1, m2, m3, m4) = Load4x256(ref Unsafe.Add(ref m0, first));
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), first);
            for (int i = 0; i < rows; i++, xr = ref Unsafe.Add(ref xr, c))
            {
                var d0 = Vector256.LoadUnsafe(ref xr) - m1;
                var d1 = Vector256.LoadUnsafe(ref xr, (nuint)W) - m2;
                var d2 = Vector256.LoadUnsafe(ref xr, (nuint)(2 * W)) - m3;
                var d3 = Vector256.LoadUnsafe(ref xr, (nuint)(3 * W)) - m4;
                a0 = VectorFma.Fma(d0, d0, a0);
                a1 = VectorFma.Fma(d1, d1, a1);
                a2 = VectorFma.Fma(d2, d2, a2);
                a3 = VectorFma.Fma(d3, d3, a3);
            }
            Store(a0, a1, a2, a3, ref Unsafe.Add(ref s0, first));
        }
        for (int i = 0; i < rows; i++)
        {
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), (nint)i * c);
            int j = first;
            for (; j <= c - W512; j += W512)
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
            for (; j <= c - W512; j += W512)
            {
                var z = VectorFma.Fma(Vector512.LoadUnsafe(ref xr, (nuint)j), Vector512.LoadUnsafe(ref sc, (nuint)j), Vector512.LoadUnsafe(ref sh, (nuint)j));
                if (silu) z *= Sigmoid(z);
                z.StoreUnsafe(ref yr, (nuint)j);
            }
            for (; j + W <= c; j += W)
            {
                var z = VectorFma.Fma(Vector256.LoadUnsafe(ref xr, (nuint)j), Vector256.LoadUnsafe(ref sc, (nuint)j), Vector256.LoadUnsafe(ref sh, (nuint)j));
                if (silu) z *= Sigmoid(z);
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

    /// <summary>
    /// dx[i, j] = x[i, j] beta[j] + (dy[i, j] alpha[j] + gamma[j]), each with one rounding; plus addend[i, j], rounded once
    /// more, when <paramref name="addend"/> is not empty (it then has x's length).
    /// </summary>
    public static void InputGradient(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int rows, int c, ReadOnlySpan<T> alpha, ReadOnlySpan<T> beta,
        ReadOnlySpan<T> gamma, Span<T> dx, ReadOnlySpan<T> addend = default)
    {
        bool adds = !addend.IsEmpty;
        ref T al = ref MemoryMarshal.GetReference(alpha);
        ref T be = ref MemoryMarshal.GetReference(beta);
        ref T ga = ref MemoryMarshal.GetReference(gamma);
        for (int i = 0; i < rows; i++)
        {
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), (nint)i * c);
            ref T gr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), (nint)i * c);
            ref T dr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dx), (nint)i * c);
            ref T ar = ref adds ? ref Unsafe.Add(ref MemoryMarshal.GetReference(addend), (nint)i * c) : ref dr;
            int j = 0;
            for (; j <= c - W512; j += W512)
            {
                var v = VectorFma.Fma(Vector512.LoadUnsafe(ref xr, (nuint)j), Vector512.LoadUnsafe(ref be, (nuint)j),
                    VectorFma.Fma(Vector512.LoadUnsafe(ref gr, (nuint)j), Vector512.LoadUnsafe(ref al, (nuint)j), Vector512.LoadUnsafe(ref ga, (nuint)j)));
                if (adds) v += Vector512.LoadUnsafe(ref ar, (nuint)j);
                v.StoreUnsafe(ref dr, (nuint)j);
            }
            for (; j + W <= c; j += W)
            {
                var v = VectorFma.Fma(Vector256.LoadUnsafe(ref xr, (nuint)j), Vector256.LoadUnsafe(ref be, (nuint)j),
                    VectorFma.Fma(Vector256.LoadUnsafe(ref gr, (nuint)j), Vector256.LoadUnsafe(ref al, (nuint)j), Vector256.LoadUnsafe(ref ga, (nuint)j)));
                if (adds) v += Vector256.LoadUnsafe(ref ar, (nuint)j);
                v.StoreUnsafe(ref dr, (nuint)j);
            }
            for (; j < c; j++)
            {
                T v = T.FusedMultiplyAdd(Unsafe.Add(ref xr, j), Unsafe.Add(ref be, j),
                    T.FusedMultiplyAdd(Unsafe.Add(ref gr, j), Unsafe.Add(ref al, j), Unsafe.Add(ref ga, j)));
                if (adds) v += Unsafe.Add(ref ar, j);
                Unsafe.Add(ref dr, j) = v;
            }
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
        int first = 0;
        for (; first <= c - Half; first += Half)
            SumsOfBlock(ref Unsafe.Add(ref MemoryMarshal.GetReference(x), first), ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), first),
                ref silu ? ref Unsafe.Add(ref MemoryMarshal.GetReference(dz), first) : ref Unsafe.NullRef<T>(), rows, c,
                ref Unsafe.Add(ref m0, first), ref Unsafe.Add(ref r0, first), ref Unsafe.Add(ref a0, first), ref Unsafe.Add(ref s0, first),
                ref Unsafe.Add(ref sc, first), ref Unsafe.Add(ref sh, first), silu, first == 0);
        for (; first <= c - Half256; first += Half256)
            SumsOfBlock256(ref Unsafe.Add(ref MemoryMarshal.GetReference(x), first), ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), first),
                ref silu ? ref Unsafe.Add(ref MemoryMarshal.GetReference(dz), first) : ref Unsafe.NullRef<T>(), rows, c,
                ref Unsafe.Add(ref m0, first), ref Unsafe.Add(ref r0, first), ref Unsafe.Add(ref a0, first), ref Unsafe.Add(ref s0, first),
                ref Unsafe.Add(ref sc, first), ref Unsafe.Add(ref sh, first), silu, first == 0);
        for (int i = 0; i < rows; i++)
        {
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), (nint)i * c);
            ref T gr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), (nint)i * c);
            ref T dr = ref silu ? ref Unsafe.Add(ref MemoryMarshal.GetReference(dz), (nint)i * c) : ref gr;
            int j = first;
            for (; j <= c - W512; j += W512)
            {
                var xv = Vector512.LoadUnsafe(ref xr, (nuint)j);
                var g = Vector512.LoadUnsafe(ref gr, (nuint)j);
                if (silu)
                {
                    g = SiluGradient(xv, g, Vector512.LoadUnsafe(ref sc, (nuint)j), Vector512.LoadUnsafe(ref sh, (nuint)j));
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
                    g = SiluGradient(xv, g, Vector256.LoadUnsafe(ref sc, (nuint)j), Vector256.LoadUnsafe(ref sh, (nuint)j));
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

    // The per-channel sums above run over the rows of a block of channels with the sums in registers. Summed in a
    // span instead, each row's add waited on the store of the row before (a 512-bit store does not forward to the
    // next load here), which made these passes several times slower than their memory. Each channel still adds its
    // rows in order, so the results are the same.

    /// <summary>
    /// Prefetches every cache line of the row <see cref="RowsAhead"/> rows after the one at <paramref name="row"/>, so
    /// that a first pass over one block of channels brings whole rows in: the later blocks then read them from cache.
    /// The backward sums' first block does this: their x is a saved activation, in memory by then, read in strided
    /// passes the hardware prefetchers do not follow (0.8% of the Sudoku 9x9 training step). The forward sums read an
    /// input just written, and gained nothing from it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchRowAhead(ref T row, int c)
    {
        if (!Sse.IsSupported) return;
        ref T ahead = ref Unsafe.Add(ref row, (nint)RowsAhead * c);
        for (int j = 0; j < c; j += LineElements) Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref ahead, j)));
    }

    /// <summary>Rows ahead of the current one that <see cref="PrefetchRowAhead"/> fetches (16 measured the same as 8).</summary>
    private const int RowsAhead = 8;

    /// <summary>Elements in a 64-byte cache line.</summary>
    private static int LineElements => 64 / Unsafe.SizeOf<T>();

    /// <summary>Channels per register block: four 512-bit vectors (int.MaxValue without 512-bit vectors: no blocks).</summary>
    private static int Quad => Vector512.IsHardwareAccelerated ? 4 * Vector512<T>.Count : int.MaxValue;

    /// <summary>Channels per register block of the backward sums (two sums per channel): two 512-bit vectors.</summary>
    private static int Half => Vector512.IsHardwareAccelerated ? 2 * Vector512<T>.Count : int.MaxValue;

    /// <summary>Channels per register block without 512-bit vectors: four 256-bit vectors (int.MaxValue with them: their blocks run).</summary>
    private static int Quad256 => !Vector512.IsHardwareAccelerated && Vector256.IsHardwareAccelerated ? 4 * W : int.MaxValue;

    /// <summary>Channels per register block of the backward sums without 512-bit vectors: two 256-bit vectors.</summary>
    private static int Half256 => !Vector512.IsHardwareAccelerated && Vector256.IsHardwareAccelerated ? 2 * W : int.MaxValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<T>, Vector256<T>, Vector256<T>, Vector256<T>) Load4x256(ref T at) =>
        (Vector256.LoadUnsafe(ref at), Vector256.LoadUnsafe(ref at, (nuint)W), Vector256.LoadUnsafe(ref at, (nuint)(2 * W)),
            Vector256.LoadUnsafe(ref at, (nuint)(3 * W)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<T> v0, Vector256<T> v1, Vector256<T> v2, Vector256<T> v3, ref T at)
    {
        v0.StoreUnsafe(ref at);
        v1.StoreUnsafe(ref at, (nuint)W);
        v2.StoreUnsafe(ref at, (nuint)(2 * W));
        v3.StoreUnsafe(ref at, (nuint)(3 * W));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<T>, Vector512<T>, Vector512<T>, Vector512<T>) Load4(ref T at) =>
        (Vector512.LoadUnsafe(ref at), Vector512.LoadUnsafe(ref at, (nuint)W512), Vector512.LoadUnsafe(ref at, (nuint)(2 * W512)),
            Vector512.LoadUnsafe(ref at, (nuint)(3 * W512)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<T> v0, Vector512<T> v1, Vector512<T> v2, Vector512<T> v3, ref T at)
    {
        v0.StoreUnsafe(ref at);
        v1.StoreUnsafe(ref at, (nuint)W512);
        v2.StoreUnsafe(ref at, (nuint)(2 * W512));
        v3.StoreUnsafe(ref at, (nuint)(3 * W512));
    }

    /// <summary>
    /// <see cref="Sums"/> of two 512-bit vectors of channels, all rows, the four sums in registers; with
    /// <paramref name="prefetchRows"/>, whole rows of x and dy are prefetched ahead (<see cref="PrefetchRowAhead"/>).
    /// </summary>
    private static void SumsOfBlock(ref T x, ref T dy, ref T dz, int rows, int c, ref T mean, ref T rstd, ref T a, ref T s,
        ref T scale, ref T shift, bool silu, bool prefetchRows)
    {
        var (m0, m1) = (Vector512.LoadUnsafe(ref mean), Vector512.LoadUnsafe(ref mean, (nuint)W512));
        var (r0, r1) = (Vector512.LoadUnsafe(ref rstd), Vector512.LoadUnsafe(ref rstd, (nuint)W512));
        Vector512<T> sc0 = default, sc1 = default, sh0 = default, sh1 = default;
        if (silu)
        {
            (sc0, sc1) = (Vector512.LoadUnsafe(ref scale), Vector512.LoadUnsafe(ref scale, (nuint)W512));
            (sh0, sh1) = (Vector512.LoadUnsafe(ref shift), Vector512.LoadUnsafe(ref shift, (nuint)W512));
        }
        Vector512<T> a0 = default, a1 = default, s0 = default, s1 = default;
        for (int i = 0; i < rows; i++)
        {
            nint at = (nint)i * c;
            if (prefetchRows)
            {
                PrefetchRowAhead(ref Unsafe.Add(ref x, at), c);
                PrefetchRowAhead(ref Unsafe.Add(ref dy, at), c);
            }
            var x0 = Vector512.LoadUnsafe(ref Unsafe.Add(ref x, at));
            var x1 = Vector512.LoadUnsafe(ref Unsafe.Add(ref x, at), (nuint)W512);
            var g0 = Vector512.LoadUnsafe(ref Unsafe.Add(ref dy, at));
            var g1 = Vector512.LoadUnsafe(ref Unsafe.Add(ref dy, at), (nuint)W512);
            if (silu)
            {
                g0 = SiluGradient(x0, g0, sc0, sh0);
                g1 = SiluGradient(x1, g1, sc1, sh1);
                g0.StoreUnsafe(ref Unsafe.Add(ref dz, at));
                g1.StoreUnsafe(ref Unsafe.Add(ref dz, at), (nuint)W512);
            }
            a0 = VectorFma.Fma(g0, (x0 - m0) * r0, a0);
            a1 = VectorFma.Fma(g1, (x1 - m1) * r1, a1);
            s0 += g0;
            s1 += g1;
        }
        a0.StoreUnsafe(ref a);
        a1.StoreUnsafe(ref a, (nuint)W512);
        s0.StoreUnsafe(ref s);
        s1.StoreUnsafe(ref s, (nuint)W512);
    }

    /// <summary><see cref="SumsOfBlock"/> in two 256-bit vectors of channels, for machines without 512-bit vectors.</summary>
    private static void SumsOfBlock256(ref T x, ref T dy, ref T dz, int rows, int c, ref T mean, ref T rstd, ref T a, ref T s,
        ref T scale, ref T shift, bool silu, bool prefetchRows)
    {
        var (m0, m1) = (Vector256.LoadUnsafe(ref mean), Vector256.LoadUnsafe(ref mean, (nuint)W));
        var (r0, r1) = (Vector256.LoadUnsafe(ref rstd), Vector256.LoadUnsafe(ref rstd, (nuint)W));
        Vector256<T> sc0 = default, sc1 = default, sh0 = default, sh1 = default;
        if (silu)
        {
            (sc0, sc1) = (Vector256.LoadUnsafe(ref scale), Vector256.LoadUnsafe(ref scale, (nuint)W));
            (sh0, sh1) = (Vector256.LoadUnsafe(ref shift), Vector256.LoadUnsafe(ref shift, (nuint)W));
        }
        Vector256<T> a0 = default, a1 = default, s0 = default, s1 = default;
        for (int i = 0; i < rows; i++)
        {
            nint at = (nint)i * c;
            if (prefetchRows)
            {
                PrefetchRowAhead(ref Unsafe.Add(ref x, at), c);
                PrefetchRowAhead(ref Unsafe.Add(ref dy, at), c);
            }
            var x0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref x, at));
            var x1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref x, at), (nuint)W);
            var g0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref dy, at));
            var g1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref dy, at), (nuint)W);
            if (silu)
            {
                g0 = SiluGradient(x0, g0, sc0, sh0);
                g1 = SiluGradient(x1, g1, sc1, sh1);
                g0.StoreUnsafe(ref Unsafe.Add(ref dz, at));
                g1.StoreUnsafe(ref Unsafe.Add(ref dz, at), (nuint)W);
            }
            a0 = VectorFma.Fma(g0, (x0 - m0) * r0, a0);
            a1 = VectorFma.Fma(g1, (x1 - m1) * r1, a1);
            s0 += g0;
            s1 += g1;
        }
        a0.StoreUnsafe(ref a);
        a1.StoreUnsafe(ref a, (nuint)W);
        s0.StoreUnsafe(ref s);
        s1.StoreUnsafe(ref s, (nuint)W);
    }

    /// <summary>dy SiLU'(z) with z = x scale + shift (one rounding), 256-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> SiluGradient(Vector256<T> x, Vector256<T> dy, Vector256<T> scale, Vector256<T> shift)
    {
        var z = VectorFma.Fma(x, scale, shift);
        var sig = Sigmoid(z);
        return dy * (sig * (Vector256<T>.One + z * (Vector256<T>.One - sig)));
    }

    /// <summary><see cref="Sigmoid(Vector512{T})"/> in 256-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Sigmoid(Vector256<T> z)
    {
        var minusAbs = -Vector256.Abs(z);
        var e = typeof(T) == typeof(float)
            ? VectorExp.ExpOfNonPositive(minusAbs.As<T, float>()).As<float, T>()
            : SimdMath<T>.Exp(minusAbs);
        var r = Vector256<T>.One / (Vector256<T>.One + e);
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(z, Vector256<T>.Zero), r, e * r);
    }

    /// <summary>dy SiLU'(z) with z = x scale + shift (one rounding), for <see cref="Sums"/> and <see cref="SumsOfBlock"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> SiluGradient(Vector512<T> x, Vector512<T> dy, Vector512<T> scale, Vector512<T> shift)
    {
        var z = VectorFma.Fma(x, scale, shift);
        var sig = Sigmoid(z);
        return dy * (sig * (Vector512<T>.One + z * (Vector512<T>.One - sig)));
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
