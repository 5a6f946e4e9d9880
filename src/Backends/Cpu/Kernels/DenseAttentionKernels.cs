using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// The fused forward and backward loops of dense (all-pairs) attention. Each (batch, head) is one work item, done by
/// one thread, on per-thread packed copies of its inputs padded to whole vectors: K (and in the backward V)
/// transposed, [Dh, Np], so that a row of logits q_i K^T is a sum over d of q_i[d] times a contiguous row of keys --
/// vector FMAs across keys with q_i[d] broadcast, no horizontal reductions; V (and K) row-major [N, Dhp], so that
/// p_i V is a sum over j of p_ij times a row -- vector FMAs across the head dimension. The backward accumulates dk
/// and dv into packed [N, Dhp] per-thread accumulators (cache-resident at these sizes) and writes them out at the end.
/// <para>
/// Determinism: every output element is computed by one thread in an order fixed by the sizes alone, so the results
/// are bit-identical for any thread count. Memory beyond the inputs and outputs is the [B*H, N, N] probabilities
/// (only when the caller keeps them) plus per-thread scratch.
/// </para>
/// </summary>
internal static class DenseAttentionKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static int W => Vector256<T>.Count;

    /// <summary><paramref name="n"/> rounded up to whole vectors.</summary>
    private static int Padded(int n) => (n + W - 1) / W * W;

    /// <summary>
    /// o_i = sum_j p_ij v_j with p_i = softmax over j of scale * q_i.k_j. Stores p into <paramref name="probs"/>
    /// ([B*H, N, N]) when given. Every row of <paramref name="o"/> is written.
    /// </summary>
    public static void Forward(int n, int d, T scale, HeadView<T> q, HeadView<T> k, HeadView<T> v, HeadView<T> o,
        int batch, int heads, T[]? probs)
    {
        int np = Padded(n), dp = Padded(d);
        CpuParallel.For(batch * heads, CpuParallel.Grain(2 * n * n * d), (start, end) =>
        {
            int ktAt = 0, vAt = ktAt + d * np, sAt = vAt + n * dp, oAt = sAt + np, length = oAt + dp;
            var buffer = ArrayPool<T>.Shared.Rent(length + 1); // + 1: a reference to an empty tail region stays in range
            ref T kt = ref buffer[ktAt];
            ref T vp = ref buffer[vAt];
            ref T s = ref buffer[sAt];
            ref T orow = ref buffer[oAt];
            var lastLanes = LastLanes(n);
            for (int bh = start; bh < end; bh++)
            {
                int b = bh / heads, h = bh - b * heads;
                PackTransposed(k, b, h, n, d, ref kt, np);
                PackRows(v, b, h, n, d, ref vp, dp);
                for (int i = 0; i < n; i++)
                {
                    RowTimesPacked(ref q.Row(b, h, i), d, ref kt, np, ref s);
                    SoftmaxRow(ref s, n, np, scale, lastLanes);
                    if (probs != null)
                        MemoryMarshal.CreateReadOnlySpan(ref s, n).CopyTo(probs.AsSpan((bh * n + i) * n, n));
                    WeightedRows(ref s, n, ref vp, dp, ref orow);
                    MemoryMarshal.CreateReadOnlySpan(ref orow, d).CopyTo(MemoryMarshal.CreateSpan(ref o.Row(b, h, i), d));
                }
            }
            ArrayPool<T>.Shared.Return(buffer);
        });
    }

    /// <summary>
    /// Gradients given dO and the forward's probabilities p ([B*H, N, N]): dS_ij = scale p_ij (dO_i.v_j - sum_j' p_ij'
    /// dO_i.v_j'); dq_i = sum_j dS_ij k_j, dk_j = sum_i dS_ij q_i and dv_j = sum_i p_ij dO_i (accumulated in ascending
    /// i). Every row of the non-null targets is written; null targets are skipped.
    /// </summary>
    public static void Backward(int n, int d, T scale, HeadView<T> q, HeadView<T> k, HeadView<T> v, HeadView<T> dO, T[] probs,
        int batch, int heads, HeadView<T>? dq, HeadView<T>? dk, HeadView<T>? dv)
    {
        bool needDq = dq.HasValue, needDk = dk.HasValue, needDv = dv.HasValue, needDs = needDq || needDk;
        if (!needDq && !needDk && !needDv) return;
        var (dqv, dkv, dvv) = (dq.GetValueOrDefault(), dk.GetValueOrDefault(), dv.GetValueOrDefault());
        int np = Padded(n), dp = Padded(d);
        CpuParallel.For(batch * heads, CpuParallel.Grain(4 * n * n * d), (start, end) =>
        {
            int vtAt = 0, kpAt = vtAt + d * np, dkAt = kpAt + n * dp, dvAt = dkAt + n * dp, rAt = dvAt + n * dp;
            int pAt = rAt + np, qAt = pAt + np, gAt = qAt + dp, dqAt = gAt + dp, length = dqAt + dp;
            var buffer = ArrayPool<T>.Shared.Rent(length + 1);
            // Zero padding lanes: the padded tails of p, q_i and dO_i stay zero, so padded lanes of the dots are
            // exactly zero and never reach a sum.
            buffer.AsSpan(0, length).Clear();
            ref T vt = ref buffer[vtAt];
            ref T kp = ref buffer[kpAt];
            ref T dkAcc = ref buffer[dkAt];
            ref T dvAcc = ref buffer[dvAt];
            ref T r = ref buffer[rAt];
            ref T prow = ref buffer[pAt];
            ref T qrow = ref buffer[qAt];
            ref T grow = ref buffer[gAt];
            ref T dqrow = ref buffer[dqAt];
            for (int bh = start; bh < end; bh++)
            {
                int b = bh / heads, h = bh - b * heads;
                if (needDs) PackTransposed(v, b, h, n, d, ref vt, np);
                if (needDq) PackRows(k, b, h, n, d, ref kp, dp);
                if (needDk) MemoryMarshal.CreateSpan(ref dkAcc, n * dp).Clear();
                if (needDv) MemoryMarshal.CreateSpan(ref dvAcc, n * dp).Clear();
                for (int i = 0; i < n; i++)
                {
                    ref T gi = ref dO.Row(b, h, i);
                    probs.AsSpan((bh * n + i) * n, n).CopyTo(MemoryMarshal.CreateSpan(ref prow, n));
                    MemoryMarshal.CreateReadOnlySpan(ref gi, d).CopyTo(MemoryMarshal.CreateSpan(ref grow, d));
                    if (needDs)
                    {
                        RowTimesPacked(ref gi, d, ref vt, np, ref r);
                        DsFromDots(ref r, ref prow, np, scale);
                    }
                    if (needDq)
                    {
                        WeightedRows(ref r, n, ref kp, dp, ref dqrow);
                        MemoryMarshal.CreateReadOnlySpan(ref dqrow, d).CopyTo(MemoryMarshal.CreateSpan(ref dqv.Row(b, h, i), d));
                    }
                    if (needDk)
                    {
                        MemoryMarshal.CreateReadOnlySpan(ref q.Row(b, h, i), d).CopyTo(MemoryMarshal.CreateSpan(ref qrow, d));
                        AddOuter(ref r, n, ref qrow, ref dkAcc, dp);
                    }
                    if (needDv) AddOuter(ref prow, n, ref grow, ref dvAcc, dp);
                }
                if (needDk) Unpack(ref dkAcc, dkv, b, h, n, d, dp);
                if (needDv) Unpack(ref dvAcc, dvv, b, h, n, d, dp);
            }
            ArrayPool<T>.Shared.Return(buffer);
        });
    }

    /// <summary>Lanes of the last padded vector of a row that hold real entries (index &lt; n).</summary>
    private static Vector256<T> LastLanes(int n)
    {
        int first = Padded(n) - W;
        return Vector256.LessThan(Vector256<T>.Indices + Vector256.Create(T.CreateTruncating(first)), Vector256.Create(T.CreateTruncating(n)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();

    /// <summary>dst[c, j] = src row j, element c: the [d, np] transpose of rows (b, h, 0..n), padding columns zero.</summary>
    private static void PackTransposed(HeadView<T> src, int b, int h, int n, int d, ref T dst, int np)
    {
        ref T row0 = ref src.Row(b, h, 0);
        for (int j = 0; j < n; j++)
        {
            ref T row = ref Unsafe.Add(ref row0, (nint)j * src.SN);
            for (int c = 0; c < d; c++) Unsafe.Add(ref dst, (nint)c * np + j) = Unsafe.Add(ref row, c);
        }
        if (np > n)
            for (int c = 0; c < d; c++) MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dst, (nint)c * np + n), np - n).Clear();
    }

    /// <summary>Copies rows (b, h, 0..n) into [n, dp] rows (the padding columns are left as they are and never read out).</summary>
    private static void PackRows(HeadView<T> src, int b, int h, int n, int d, ref T dst, int dp)
    {
        ref T row0 = ref src.Row(b, h, 0);
        for (int j = 0; j < n; j++)
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref row0, (nint)j * src.SN), d)
                .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dst, (nint)j * dp), d));
    }

    /// <summary>Copies the first d columns of the packed [n, dp] rows into rows (b, h, 0..n) of <paramref name="dst"/>.</summary>
    private static void Unpack(ref T packed, HeadView<T> dst, int b, int h, int n, int d, int dp)
    {
        ref T row0 = ref dst.Row(b, h, 0);
        for (int j = 0; j < n; j++)
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref packed, (nint)j * dp), d)
                .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref row0, (nint)j * dst.SN), d));
    }

    /// <summary>
    /// s[j] = sum_{c &lt; d} x[c] t[c, j] for j in [0, np), with t packed [d, np]: four vectors of keys at a time (the
    /// last block's offsets clamped to np - W, so it may recompute, and rewrite identically, lanes of the one before).
    /// </summary>
    private static void RowTimesPacked(ref T x, int d, ref T t, int np, ref T s)
    {
        int w = W, last = np - w;
        for (int j = 0; j < np; j += 4 * w)
        {
            nint o0 = j, o1 = Math.Min(j + w, last), o2 = Math.Min(j + 2 * w, last), o3 = Math.Min(j + 3 * w, last);
            Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default;
            ref T row = ref t;
            for (int c = 0; c < d; c++, row = ref Unsafe.Add(ref row, np))
            {
                var xc = Vector256.Create(Unsafe.Add(ref x, c));
                a0 = Fma(xc, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, o0)), a0);
                a1 = Fma(xc, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, o1)), a1);
                a2 = Fma(xc, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, o2)), a2);
                a3 = Fma(xc, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, o3)), a3);
            }
            a0.StoreUnsafe(ref Unsafe.Add(ref s, o0));
            a1.StoreUnsafe(ref Unsafe.Add(ref s, o1));
            a2.StoreUnsafe(ref Unsafe.Add(ref s, o2));
            a3.StoreUnsafe(ref Unsafe.Add(ref s, o3));
        }
    }

    /// <summary>
    /// In place over a padded row of n dot products: s = softmax(scale * s), the padding lanes set to zero.
    /// </summary>
    private static void SoftmaxRow(ref T s, int n, int np, T scale, Vector256<T> lastLanes)
    {
        int w = W;
        // The padding gets the first logit, so it never raises the row's maximum.
        for (int j = n; j < np; j++) Unsafe.Add(ref s, j) = s;
        var vs = Vector256.Create(scale);
        var vmax = Vector256.Create(T.NegativeInfinity);
        for (int j = 0; j < np; j += w)
        {
            var y = Vector256.LoadUnsafe(ref s, (nuint)j) * vs;
            y.StoreUnsafe(ref s, (nuint)j);
            vmax = Vector256.MaxNative(vmax, y);
        }
        T max = vmax[0];
        for (int l = 1; l < w; l++) max = T.MaxNative(max, vmax[l]);
        vmax = Vector256.Create(max);
        var sum = Vector256<T>.Zero;
        int lastAt = np - w;
        for (int j = 0; j < lastAt; j += w)
        {
            var y = SimdMath<T>.Exp(Vector256.LoadUnsafe(ref s, (nuint)j) - vmax);
            y.StoreUnsafe(ref s, (nuint)j);
            sum += y;
        }
        var tail = SimdMath<T>.Exp(Vector256.LoadUnsafe(ref s, (nuint)lastAt) - vmax) & lastLanes;
        tail.StoreUnsafe(ref s, (nuint)lastAt);
        sum += tail;
        var inv = Vector256.Create(T.One / Vector256.Sum(sum));
        for (int j = 0; j < np; j += w) (Vector256.LoadUnsafe(ref s, (nuint)j) * inv).StoreUnsafe(ref s, (nuint)j);
    }

    /// <summary>In place over padded rows whose padding is zero: r = scale * p * (r - sum_j p_j r_j).</summary>
    private static void DsFromDots(ref T r, ref T p, int np, T scale)
    {
        int w = W;
        Vector256<T> a0 = default, a1 = default;
        int j = 0;
        for (; j + 2 * w <= np; j += 2 * w)
        {
            a0 = Fma(Vector256.LoadUnsafe(ref p, (nuint)j), Vector256.LoadUnsafe(ref r, (nuint)j), a0);
            a1 = Fma(Vector256.LoadUnsafe(ref p, (nuint)(j + w)), Vector256.LoadUnsafe(ref r, (nuint)(j + w)), a1);
        }
        if (j < np) a0 = Fma(Vector256.LoadUnsafe(ref p, (nuint)j), Vector256.LoadUnsafe(ref r, (nuint)j), a0);
        var rowDot = Vector256.Create(Vector256.Sum(a0 + a1));
        var vs = Vector256.Create(scale);
        for (j = 0; j < np; j += w)
            (vs * Vector256.LoadUnsafe(ref p, (nuint)j) * (Vector256.LoadUnsafe(ref r, (nuint)j) - rowDot)).StoreUnsafe(ref r, (nuint)j);
    }

    /// <summary>
    /// y = sum_{j &lt; n} w[j] m[j, :] over packed [n, dp] rows, in ascending j split into even and odd j (two
    /// independent chains per vector of y, summed at the end).
    /// </summary>
    private static void WeightedRows(ref T wts, int n, ref T m, int dp, ref T y)
    {
        int w = W;
        if (dp == w)
        {
            Vector256<T> a = default, b = default, c = default, e = default;
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                ref T row = ref Unsafe.Add(ref m, (nint)j * dp);
                a = Fma(Vector256.Create(Unsafe.Add(ref wts, j)), Vector256.LoadUnsafe(ref row), a);
                b = Fma(Vector256.Create(Unsafe.Add(ref wts, j + 1)), Vector256.LoadUnsafe(ref Unsafe.Add(ref row, dp)), b);
                c = Fma(Vector256.Create(Unsafe.Add(ref wts, j + 2)), Vector256.LoadUnsafe(ref Unsafe.Add(ref row, 2 * dp)), c);
                e = Fma(Vector256.Create(Unsafe.Add(ref wts, j + 3)), Vector256.LoadUnsafe(ref Unsafe.Add(ref row, 3 * dp)), e);
            }
            for (; j < n; j++)
                a = Fma(Vector256.Create(Unsafe.Add(ref wts, j)), Vector256.LoadUnsafe(ref Unsafe.Add(ref m, (nint)j * dp)), a);
            ((a + b) + (c + e)).StoreUnsafe(ref y);
            return;
        }
        // Blocks of two vectors of y, the last block's offset clamped to dp - 2w (it may recompute a vector identically).
        for (int c0 = 0; c0 < dp; c0 += 2 * w)
        {
            nint o = Math.Min(c0, dp - 2 * w);
            Vector256<T> a0 = default, a1 = default, b0 = default, b1 = default;
            int j = 0;
            for (; j + 2 <= n; j += 2)
            {
                ref T row = ref Unsafe.Add(ref m, (nint)j * dp + o);
                var wa = Vector256.Create(Unsafe.Add(ref wts, j));
                var wb = Vector256.Create(Unsafe.Add(ref wts, j + 1));
                a0 = Fma(wa, Vector256.LoadUnsafe(ref row), a0);
                a1 = Fma(wa, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, w)), a1);
                b0 = Fma(wb, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, dp)), b0);
                b1 = Fma(wb, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, dp + w)), b1);
            }
            if (j < n)
            {
                ref T row = ref Unsafe.Add(ref m, (nint)j * dp + o);
                var wa = Vector256.Create(Unsafe.Add(ref wts, j));
                a0 = Fma(wa, Vector256.LoadUnsafe(ref row), a0);
                a1 = Fma(wa, Vector256.LoadUnsafe(ref Unsafe.Add(ref row, w)), a1);
            }
            (a0 + b0).StoreUnsafe(ref Unsafe.Add(ref y, o));
            (a1 + b1).StoreUnsafe(ref Unsafe.Add(ref y, o + w));
        }
    }

    /// <summary>acc[j, :] += w[j] x for j &lt; n, over packed [n, dp] rows; x (dp elements) is held in registers when it fits.</summary>
    private static void AddOuter(ref T wts, int n, ref T x, ref T acc, int dp)
    {
        int w = W;
        if (dp == w)
        {
            var x0 = Vector256.LoadUnsafe(ref x);
            for (int j = 0; j < n; j++)
            {
                ref T row = ref Unsafe.Add(ref acc, (nint)j * dp);
                Fma(Vector256.Create(Unsafe.Add(ref wts, j)), x0, Vector256.LoadUnsafe(ref row)).StoreUnsafe(ref row);
            }
            return;
        }
        if (dp == 2 * w)
        {
            var x0 = Vector256.LoadUnsafe(ref x);
            var x1 = Vector256.LoadUnsafe(ref x, (nuint)w);
            for (int j = 0; j < n; j++)
            {
                ref T row = ref Unsafe.Add(ref acc, (nint)j * dp);
                var wj = Vector256.Create(Unsafe.Add(ref wts, j));
                Fma(wj, x0, Vector256.LoadUnsafe(ref row)).StoreUnsafe(ref row);
                Fma(wj, x1, Vector256.LoadUnsafe(ref row, (nuint)w)).StoreUnsafe(ref row, (nuint)w);
            }
            return;
        }
        for (int j = 0; j < n; j++)
        {
            ref T row = ref Unsafe.Add(ref acc, (nint)j * dp);
            var wj = Vector256.Create(Unsafe.Add(ref wts, j));
            for (int c = 0; c < dp; c += w)
                Fma(wj, Vector256.LoadUnsafe(ref x, (nuint)c), Vector256.LoadUnsafe(ref row, (nuint)c)).StoreUnsafe(ref row, (nuint)c);
        }
    }
}
