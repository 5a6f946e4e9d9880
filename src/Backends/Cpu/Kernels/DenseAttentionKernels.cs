using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static GsdmCore.Backends.Cpu.VectorFma;

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
        CpuParallel.For(batch * heads, CpuParallel.Grain(2 * n * n * d), new ForwardItems(n, d, scale, q, k, v, o, heads, probs));
    }

    /// <summary>The (batch, head) items [start, end) of <see cref="Forward"/>.</summary>
    private readonly struct ForwardItems(int n, int d, T scale, HeadView<T> q, HeadView<T> k, HeadView<T> v, HeadView<T> o, int heads, T[]? probs)
        : IRangeBody
    {
        public void Run(int start, int end)
        {
            int np = Padded(n), dp = Padded(d);
            int ktAt = 0, vAt = ktAt + d * np, sAt = vAt + n * dp, oAt = sAt + 2 * np, length = oAt + 2 * dp;
            var buffer = ArrayPool<T>.Shared.Rent(length + 1); // + 1: a reference to an empty tail region stays in range
            ref T kt = ref buffer[ktAt];
            ref T vp = ref buffer[vAt];
            ref T s = ref buffer[sAt];
            ref T s2 = ref Unsafe.Add(ref s, np);
            ref T orow = ref buffer[oAt];
            ref T orow2 = ref Unsafe.Add(ref orow, dp);
            var lastLanes = LastLanes(n);
            for (int bh = start; bh < end; bh++)
            {
                int b = bh / heads, h = bh - b * heads;
                PackTransposed(k, b, h, n, d, ref kt, np);
                PackRows(v, b, h, n, d, ref vp, dp);
                // Rows in pairs (i, i2) sharing the loads of K and V; an odd last row is paired with itself and
                // its second result dropped.
                for (int i = 0; i < n; i += 2)
                {
                    int i2 = Math.Min(i + 1, n - 1);
                    RowTimesPacked(ref q.Row(b, h, i), ref q.Row(b, h, i2), d, ref kt, np, ref s, ref s2);
                    SoftmaxRow(ref s, n, np, scale, lastLanes);
                    if (i2 != i) SoftmaxRow(ref s2, n, np, scale, lastLanes);
                    if (probs != null)
                    {
                        MemoryMarshal.CreateReadOnlySpan(ref s, n).CopyTo(probs.AsSpan((bh * n + i) * n, n));
                        if (i2 != i) MemoryMarshal.CreateReadOnlySpan(ref s2, n).CopyTo(probs.AsSpan((bh * n + i2) * n, n));
                    }
                    WeightedRows(ref s, ref s2, n, ref vp, dp, ref orow, ref orow2);
                    MemoryMarshal.CreateReadOnlySpan(ref orow, d).CopyTo(MemoryMarshal.CreateSpan(ref o.Row(b, h, i), d));
                    if (i2 != i) MemoryMarshal.CreateReadOnlySpan(ref orow2, d).CopyTo(MemoryMarshal.CreateSpan(ref o.Row(b, h, i2), d));
                }
            }
            ArrayPool<T>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Gradients given dO and the forward's probabilities p ([B*H, N, N]): dS_ij = scale p_ij (dO_i.v_j - sum_j' p_ij'
    /// dO_i.v_j'); dq_i = sum_j dS_ij k_j, dk_j = sum_i dS_ij q_i and dv_j = sum_i p_ij dO_i (accumulated in ascending
    /// i). Every row of the non-null targets is written; null targets are skipped.
    /// </summary>
    public static void Backward(int n, int d, T scale, HeadView<T> q, HeadView<T> k, HeadView<T> v, HeadView<T> dO, T[] probs,
        int batch, int heads, HeadView<T>? dq, HeadView<T>? dk, HeadView<T>? dv)
    {
        if (!dq.HasValue && !dk.HasValue && !dv.HasValue) return;
        CpuParallel.For(batch * heads, CpuParallel.Grain(4 * n * n * d), new BackwardItems(n, d, scale, q, k, v, dO, probs, heads, dq, dk, dv));
    }

    /// <summary>The (batch, head) items [start, end) of <see cref="Backward"/>.</summary>
    private readonly struct BackwardItems(int n, int d, T scale, HeadView<T> q, HeadView<T> k, HeadView<T> v, HeadView<T> dO, T[] probs,
        int heads, HeadView<T>? dq, HeadView<T>? dk, HeadView<T>? dv) : IRangeBody
    {
        public void Run(int start, int end)
        {
            bool needDq = dq.HasValue, needDk = dk.HasValue, needDv = dv.HasValue, needDs = needDq || needDk;
            var (dqv, dkv, dvv) = (dq.GetValueOrDefault(), dk.GetValueOrDefault(), dv.GetValueOrDefault());
            int np = Padded(n), dp = Padded(d);
            int vtAt = 0, kpAt = vtAt + d * np, dkAt = kpAt + n * dp, dvAt = dkAt + n * dp, rAt = dvAt + n * dp;
            int pAt = rAt + 2 * np, qAt = pAt + 2 * np, gAt = qAt + 2 * dp, dqAt = gAt + 2 * dp, length = dqAt + 2 * dp;
            var buffer = ArrayPool<T>.Shared.Rent(length + 1);
            // Zero padding lanes: the padded tails of p, q_i and dO_i stay zero, so padded lanes of the dots are
            // exactly zero and never reach a sum.
            buffer.AsSpan(0, length).Clear();
            ref T vt = ref buffer[vtAt];
            ref T kp = ref buffer[kpAt];
            ref T dkAcc = ref buffer[dkAt];
            ref T dvAcc = ref buffer[dvAt];
            ref T r = ref buffer[rAt];
            ref T r2 = ref Unsafe.Add(ref r, np);
            ref T prow = ref buffer[pAt];
            ref T prow2 = ref Unsafe.Add(ref prow, np);
            ref T qrow = ref buffer[qAt];
            ref T qrow2 = ref Unsafe.Add(ref qrow, dp);
            ref T grow = ref buffer[gAt];
            ref T grow2 = ref Unsafe.Add(ref grow, dp);
            ref T dqrow = ref buffer[dqAt];
            ref T dqrow2 = ref Unsafe.Add(ref dqrow, dp);
            for (int bh = start; bh < end; bh++)
            {
                int b = bh / heads, h = bh - b * heads;
                if (needDs) PackTransposed(v, b, h, n, d, ref vt, np);
                if (needDq) PackRows(k, b, h, n, d, ref kp, dp);
                if (needDk) MemoryMarshal.CreateSpan(ref dkAcc, n * dp).Clear();
                if (needDv) MemoryMarshal.CreateSpan(ref dvAcc, n * dp).Clear();
                // Rows in pairs (i, i2), as in the forward; an odd last row is paired with itself for the dots and
                // dq (its second result dropped) and added into dk and dv alone.
                for (int i = 0; i < n; i += 2)
                {
                    int i2 = Math.Min(i + 1, n - 1);
                    bool pair = i2 != i;
                    ref T gi = ref dO.Row(b, h, i);
                    ref T gi2 = ref dO.Row(b, h, i2);
                    probs.AsSpan((bh * n + i) * n, n).CopyTo(MemoryMarshal.CreateSpan(ref prow, n));
                    probs.AsSpan((bh * n + i2) * n, n).CopyTo(MemoryMarshal.CreateSpan(ref prow2, n));
                    MemoryMarshal.CreateReadOnlySpan(ref gi, d).CopyTo(MemoryMarshal.CreateSpan(ref grow, d));
                    MemoryMarshal.CreateReadOnlySpan(ref gi2, d).CopyTo(MemoryMarshal.CreateSpan(ref grow2, d));
                    if (needDs)
                    {
                        RowTimesPacked(ref gi, ref gi2, d, ref vt, np, ref r, ref r2);
                        DsFromDots(ref r, ref prow, np, scale);
                        DsFromDots(ref r2, ref prow2, np, scale);
                    }
                    if (needDq)
                    {
                        WeightedRows(ref r, ref r2, n, ref kp, dp, ref dqrow, ref dqrow2);
                        MemoryMarshal.CreateReadOnlySpan(ref dqrow, d).CopyTo(MemoryMarshal.CreateSpan(ref dqv.Row(b, h, i), d));
                        if (pair) MemoryMarshal.CreateReadOnlySpan(ref dqrow2, d).CopyTo(MemoryMarshal.CreateSpan(ref dqv.Row(b, h, i2), d));
                    }
                    if (needDk)
                    {
                        MemoryMarshal.CreateReadOnlySpan(ref q.Row(b, h, i), d).CopyTo(MemoryMarshal.CreateSpan(ref qrow, d));
                        MemoryMarshal.CreateReadOnlySpan(ref q.Row(b, h, i2), d).CopyTo(MemoryMarshal.CreateSpan(ref qrow2, d));
                        if (pair) AddOuter(ref r, ref r2, n, ref qrow, ref qrow2, ref dkAcc, dp);
                        else AddOuter(ref r, n, ref qrow, ref dkAcc, dp);
                    }
                    if (needDv)
                    {
                        if (pair) AddOuter(ref prow, ref prow2, n, ref grow, ref grow2, ref dvAcc, dp);
                        else AddOuter(ref prow, n, ref grow, ref dvAcc, dp);
                    }
                }
                if (needDk) Unpack(ref dkAcc, dkv, b, h, n, d, dp);
                if (needDv) Unpack(ref dvAcc, dvv, b, h, n, d, dp);
            }
            ArrayPool<T>.Shared.Return(buffer);
        }
    }

    /// <summary>Lanes of the last padded vector of a row that hold real entries (index &lt; n).</summary>
    private static Vector256<T> LastLanes(int n)
    {
        int first = Padded(n) - W;
        return Vector256.LessThan(Vector256<T>.Indices + Vector256.Create(T.CreateTruncating(first)), Vector256.Create(T.CreateTruncating(n)));
    }

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
    /// s[j] = sum_{c &lt; d} x[c] t[c, j] and s2[j] = sum_c x2[c] t[c, j] for j in [0, np), with t packed [d, np]: two
    /// query rows share every load of t; four vectors of keys at a time (the last block's offsets clamped to np - W, so
    /// it may recompute, and rewrite identically, lanes of the one before).
    /// </summary>
    private static void RowTimesPacked(ref T x, ref T x2, int d, ref T t, int np, ref T s, ref T s2)
    {
        int w = W, last = np - w;
        for (int j = 0; j < np; j += 4 * w)
        {
            nint o0 = j, o1 = Math.Min(j + w, last), o2 = Math.Min(j + 2 * w, last), o3 = Math.Min(j + 3 * w, last);
            Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<T> b0 = default, b1 = default, b2 = default, b3 = default;
            ref T row = ref t;
            for (int c = 0; c < d; c++, row = ref Unsafe.Add(ref row, np))
            {
                var xc = Vector256.Create(Unsafe.Add(ref x, c));
                var yc = Vector256.Create(Unsafe.Add(ref x2, c));
                var t0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref row, o0));
                var t1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref row, o1));
                var t2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref row, o2));
                var t3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref row, o3));
                a0 = Fma(xc, t0, a0);
                a1 = Fma(xc, t1, a1);
                a2 = Fma(xc, t2, a2);
                a3 = Fma(xc, t3, a3);
                b0 = Fma(yc, t0, b0);
                b1 = Fma(yc, t1, b1);
                b2 = Fma(yc, t2, b2);
                b3 = Fma(yc, t3, b3);
            }
            a0.StoreUnsafe(ref Unsafe.Add(ref s, o0));
            a1.StoreUnsafe(ref Unsafe.Add(ref s, o1));
            a2.StoreUnsafe(ref Unsafe.Add(ref s, o2));
            a3.StoreUnsafe(ref Unsafe.Add(ref s, o3));
            b0.StoreUnsafe(ref Unsafe.Add(ref s2, o0));
            b1.StoreUnsafe(ref Unsafe.Add(ref s2, o1));
            b2.StoreUnsafe(ref Unsafe.Add(ref s2, o2));
            b3.StoreUnsafe(ref Unsafe.Add(ref s2, o3));
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
    /// y = sum_{j &lt; n} w[j] m[j, :] and y2 = sum_j w2[j] m[j, :] over packed [n, dp] rows: two weight rows share
    /// every load of m; ascending j, split into independent chains (sums of j mod 2 or 4) added at the end.
    /// </summary>
    private static void WeightedRows(ref T wts, ref T wts2, int n, ref T m, int dp, ref T y, ref T y2)
    {
        int w = W;
        if (dp == w)
        {
            Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<T> b0 = default, b1 = default, b2 = default, b3 = default;
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                ref T row = ref Unsafe.Add(ref m, (nint)j * dp);
                var m0 = Vector256.LoadUnsafe(ref row);
                var m1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref row, dp));
                var m2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref row, 2 * dp));
                var m3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref row, 3 * dp));
                a0 = Fma(Vector256.Create(Unsafe.Add(ref wts, j)), m0, a0);
                a1 = Fma(Vector256.Create(Unsafe.Add(ref wts, j + 1)), m1, a1);
                a2 = Fma(Vector256.Create(Unsafe.Add(ref wts, j + 2)), m2, a2);
                a3 = Fma(Vector256.Create(Unsafe.Add(ref wts, j + 3)), m3, a3);
                b0 = Fma(Vector256.Create(Unsafe.Add(ref wts2, j)), m0, b0);
                b1 = Fma(Vector256.Create(Unsafe.Add(ref wts2, j + 1)), m1, b1);
                b2 = Fma(Vector256.Create(Unsafe.Add(ref wts2, j + 2)), m2, b2);
                b3 = Fma(Vector256.Create(Unsafe.Add(ref wts2, j + 3)), m3, b3);
            }
            for (; j < n; j++)
            {
                var mj = Vector256.LoadUnsafe(ref Unsafe.Add(ref m, (nint)j * dp));
                a0 = Fma(Vector256.Create(Unsafe.Add(ref wts, j)), mj, a0);
                b0 = Fma(Vector256.Create(Unsafe.Add(ref wts2, j)), mj, b0);
            }
            ((a0 + a1) + (a2 + a3)).StoreUnsafe(ref y);
            ((b0 + b1) + (b2 + b3)).StoreUnsafe(ref y2);
            return;
        }
        // Blocks of two vectors of y, the last block's offset clamped to dp - 2w (it may recompute a vector identically).
        for (int c0 = 0; c0 < dp; c0 += 2 * w)
        {
            nint o = Math.Min(c0, dp - 2 * w);
            Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<T> b0 = default, b1 = default, b2 = default, b3 = default;
            int j = 0;
            for (; j + 2 <= n; j += 2)
            {
                ref T row = ref Unsafe.Add(ref m, (nint)j * dp + o);
                var m0 = Vector256.LoadUnsafe(ref row);
                var m1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref row, w));
                var m2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref row, dp));
                var m3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref row, dp + w));
                var wa = Vector256.Create(Unsafe.Add(ref wts, j));
                var wb = Vector256.Create(Unsafe.Add(ref wts, j + 1));
                var va = Vector256.Create(Unsafe.Add(ref wts2, j));
                var vb = Vector256.Create(Unsafe.Add(ref wts2, j + 1));
                a0 = Fma(wa, m0, a0);
                a1 = Fma(wa, m1, a1);
                a2 = Fma(wb, m2, a2);
                a3 = Fma(wb, m3, a3);
                b0 = Fma(va, m0, b0);
                b1 = Fma(va, m1, b1);
                b2 = Fma(vb, m2, b2);
                b3 = Fma(vb, m3, b3);
            }
            if (j < n)
            {
                ref T row = ref Unsafe.Add(ref m, (nint)j * dp + o);
                var m0 = Vector256.LoadUnsafe(ref row);
                var m1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref row, w));
                var wa = Vector256.Create(Unsafe.Add(ref wts, j));
                var va = Vector256.Create(Unsafe.Add(ref wts2, j));
                a0 = Fma(wa, m0, a0);
                a1 = Fma(wa, m1, a1);
                b0 = Fma(va, m0, b0);
                b1 = Fma(va, m1, b1);
            }
            (a0 + a2).StoreUnsafe(ref Unsafe.Add(ref y, o));
            (a1 + a3).StoreUnsafe(ref Unsafe.Add(ref y, o + w));
            (b0 + b2).StoreUnsafe(ref Unsafe.Add(ref y2, o));
            (b1 + b3).StoreUnsafe(ref Unsafe.Add(ref y2, o + w));
        }
    }

    /// <summary>acc[j, :] += w[j] x + w2[j] x2 for j &lt; n, over packed [n, dp] rows: one load and store of acc for two query rows.</summary>
    private static void AddOuter(ref T wts, ref T wts2, int n, ref T x, ref T x2, ref T acc, int dp)
    {
        int w = W;
        if (dp == 2 * w)
        {
            var x0 = Vector256.LoadUnsafe(ref x);
            var x1 = Vector256.LoadUnsafe(ref x, (nuint)w);
            var y0 = Vector256.LoadUnsafe(ref x2);
            var y1 = Vector256.LoadUnsafe(ref x2, (nuint)w);
            for (int j = 0; j < n; j++)
            {
                ref T row = ref Unsafe.Add(ref acc, (nint)j * dp);
                var wj = Vector256.Create(Unsafe.Add(ref wts, j));
                var vj = Vector256.Create(Unsafe.Add(ref wts2, j));
                Fma(vj, y0, Fma(wj, x0, Vector256.LoadUnsafe(ref row))).StoreUnsafe(ref row);
                Fma(vj, y1, Fma(wj, x1, Vector256.LoadUnsafe(ref row, (nuint)w))).StoreUnsafe(ref row, (nuint)w);
            }
            return;
        }
        for (int j = 0; j < n; j++)
        {
            ref T row = ref Unsafe.Add(ref acc, (nint)j * dp);
            var wj = Vector256.Create(Unsafe.Add(ref wts, j));
            var vj = Vector256.Create(Unsafe.Add(ref wts2, j));
            for (int c = 0; c < dp; c += w)
                Fma(vj, Vector256.LoadUnsafe(ref x2, (nuint)c), Fma(wj, Vector256.LoadUnsafe(ref x, (nuint)c), Vector256.LoadUnsafe(ref row, (nuint)c)))
                    .StoreUnsafe(ref row, (nuint)c);
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
