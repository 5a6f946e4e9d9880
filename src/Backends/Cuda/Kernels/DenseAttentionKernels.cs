using ILGPU;

namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>
/// Dense (all-pairs) attention. One thread per (batch, head, node): as a query row (forward; dS and dq in the backward)
/// it walks all keys; as a key column (dk and dv) it walks all query rows in ascending order. No atomics, so the
/// results are deterministic on a device. The per-pair values (logits, then probabilities; dS) live in
/// [B*H, N, N] buffers. Simple rather than fast: the reference for the device, not a tuned kernel.
/// </summary>
internal static class DenseAttentionKernels
{
    /// <summary>probs[bh, i, j] = softmax over j of scale * q_i.k_j; o_i = sum_j probs[bh, i, j] v_j. r runs over B*H*N.</summary>
    /// Strides: A = q, B = k, C = v, D = o.
    public static void Forward<T, TOps>(Index1D r, AttentionArgs<T> a,
        ArrayView<T> q, ArrayView<T> k, ArrayView<T> v, ArrayView<T> o, ArrayView<T> probs, FourHeads st)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int heads = a.Heads, n = a.N, d = a.D;
        T scale = a.Scale;
        var (qs, ks, vs, os) = (st.A, st.B, st.C, st.D);
        var m = default(TOps);
        int i = r % n, bh = r / n, h = bh % heads, b = bh / heads;
        long pBase = ((long)bh * n + i) * n;
        int qi = qs.Row(b, h, i);
        T top = m.NegativeInfinity;
        for (int j = 0; j < n; j++)
        {
            int kj = ks.Row(b, h, j);
            T dot = m.Zero;
            for (int c = 0; c < d; c++) dot = m.Add(dot, m.Mul(q[qi + c], k[kj + c]));
            T logit = m.Mul(dot, scale);
            probs[pBase + j] = logit;
            top = ElementMath.Max<T, TOps>(top, logit);
        }
        T total = m.Zero;
        for (int j = 0; j < n; j++)
        {
            T y = m.Exp(m.Sub(probs[pBase + j], top));
            probs[pBase + j] = y;
            total = m.Add(total, y);
        }
        T inv = m.Div(m.One, total);
        for (int j = 0; j < n; j++) probs[pBase + j] = m.Mul(probs[pBase + j], inv);
        int oi = os.Row(b, h, i);
        for (int c = 0; c < d; c++)
        {
            T acc = m.Zero;
            for (int j = 0; j < n; j++) acc = m.Add(acc, m.Mul(probs[pBase + j], v[vs.Row(b, h, j) + c]));
            o[oi + c] = acc;
        }
    }

    /// <summary>
    /// Query-row pass of the backward: ds[bh, i, j] = scale (dO_i.v_j - sum_j' p_ij' dO_i.v_j') p_ij, then (when wanted)
    /// dq_i = sum_j ds_ij k_j. r runs over B*H*N.
    /// </summary>
    /// Strides: A = k, B = v, C = dO, D = dq; a.First != 0 when dq is wanted.
    public static void BackwardRows<T, TOps>(Index1D r, AttentionArgs<T> a,
        ArrayView<T> k, ArrayView<T> v, ArrayView<T> dO, ArrayView<T> probs, ArrayView<T> ds, ArrayView<T> dq, FourHeads st)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int heads = a.Heads, n = a.N, d = a.D, needDq = a.First;
        T scale = a.Scale;
        var (ks, vs, dOs, dqs) = (st.A, st.B, st.C, st.D);
        var m = default(TOps);
        int i = r % n, bh = r / n, h = bh % heads, b = bh / heads;
        long pBase = ((long)bh * n + i) * n;
        int gi = dOs.Row(b, h, i);
        T rowDot = m.Zero;
        for (int j = 0; j < n; j++)
        {
            int vj = vs.Row(b, h, j);
            T dot = m.Zero;
            for (int c = 0; c < d; c++) dot = m.Add(dot, m.Mul(dO[gi + c], v[vj + c]));
            ds[pBase + j] = dot;
            rowDot = m.Add(rowDot, m.Mul(probs[pBase + j], dot));
        }
        for (int j = 0; j < n; j++)
            ds[pBase + j] = m.Mul(scale, m.Mul(m.Sub(ds[pBase + j], rowDot), probs[pBase + j]));
        if (needDq == 0) return;
        int qi = dqs.Row(b, h, i);
        for (int c = 0; c < d; c++)
        {
            T acc = m.Zero;
            for (int j = 0; j < n; j++) acc = m.Add(acc, m.Mul(ds[pBase + j], k[ks.Row(b, h, j) + c]));
            dq[qi + c] = acc;
        }
    }

    /// <summary>
    /// Key-column pass of the backward: dv_j = sum_i p_ij dO_i and dk_j = sum_i ds_ij q_i, in ascending i. r runs over B*H*N.
    /// </summary>
    /// Strides: A = q, B = dO, C = dk, D = dv; a.First != 0 when dk is wanted, a.Second when dv is.
    public static void BackwardColumns<T, TOps>(Index1D r, AttentionArgs<T> a,
        ArrayView<T> q, ArrayView<T> dO, ArrayView<T> probs, ArrayView<T> ds, ArrayView<T> dk, ArrayView<T> dv, FourHeads st)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int heads = a.Heads, n = a.N, d = a.D, needDk = a.First, needDv = a.Second;
        var (qs, dOs, dks, dvs) = (st.A, st.B, st.C, st.D);
        var m = default(TOps);
        int j = r % n, bh = r / n, h = bh % heads, b = bh / heads;
        long pBase = (long)bh * n * n + j;
        for (int c = 0; c < d; c++)
        {
            T accK = m.Zero, accV = m.Zero;
            for (int i = 0; i < n; i++)
            {
                long e = pBase + (long)i * n;
                if (needDv != 0) accV = m.Add(accV, m.Mul(probs[e], dO[dOs.Row(b, h, i) + c]));
                if (needDk != 0) accK = m.Add(accK, m.Mul(ds[e], q[qs.Row(b, h, i) + c]));
            }
            if (needDv != 0) dv[dvs.Row(b, h, j) + c] = accV;
            if (needDk != 0) dk[dks.Row(b, h, j) + c] = accK;
        }
    }
}
