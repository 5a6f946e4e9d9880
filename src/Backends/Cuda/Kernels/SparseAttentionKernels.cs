using ILGPU;

namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>Where row (b, h, i) of a [B, H, N, Dh] view with a unit-stride last axis starts.</summary>
internal readonly struct HeadStrides
{
    public readonly int Offset, SB, SH, SN;

    public HeadStrides(Layout l)
    {
        Offset = l.Offset;
        SB = l.Strides[0];
        SH = l.Strides[1];
        SN = l.Strides[2];
    }

    public int Row(int b, int h, int i) => Offset + b * SB + h * SH + i * SN;
}

/// <summary>The strides of the four [B, H, N, Dh] views one kernel reads or writes (which four depends on the kernel).</summary>
internal readonly struct FourHeads
{
    public readonly HeadStrides A, B, C, D;

    public FourHeads(HeadStrides a, HeadStrides b, HeadStrides c, HeadStrides d) => (A, B, C, D) = (a, b, c, d);
}

/// <summary>The sizes and scalars of one sparse- or dense-attention launch (Nnz is 0 for dense).</summary>
internal readonly struct AttentionArgs<T> where T : unmanaged
{
    public readonly int Heads, N, D, Nnz, First, Second;
    public readonly T Scale;

    public AttentionArgs(int heads, int n, int d, int nnz, T scale, int first = 0, int second = 0) =>
        (Heads, N, D, Nnz, Scale, First, Second) = (heads, n, d, nnz, scale, first, second);
}

/// <summary>
/// Graph-sparse attention. One thread per (batch, head, node): as a query row (forward; dS and dq in the backward) it
/// walks its CSR edges; as a key row (dk and dv) it walks the edges into it through the transposed structure, in
/// ascending edge order. No atomics, so the results are deterministic on a device and follow the CPU kernel's order
/// of additions; only the device's exp and dot-product rounding differ.
/// </summary>
internal static class SparseAttentionKernels
{
    /// <summary>probs[bh, e] = softmax over row i of scale * q_i.k_j; o_i = sum_e probs[bh, e] v_j. r runs over B*H*N.</summary>
    /// Strides: A = q, B = k, C = v, D = o.
    public static void Forward<T, TOps>(Index1D r, AttentionArgs<T> a, ArrayView<int> rowPtr, ArrayView<int> cols,
        ArrayView<T> q, ArrayView<T> k, ArrayView<T> v, ArrayView<T> o, ArrayView<T> probs, FourHeads st)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int heads = a.Heads, n = a.N, d = a.D, nnz = a.Nnz;
        T scale = a.Scale;
        var (qs, ks, vs, os) = (st.A, st.B, st.C, st.D);
        var m = default(TOps);
        int i = r % n, bh = r / n, h = bh % heads, b = bh / heads;
        int rs = rowPtr[i], re = rowPtr[i + 1];
        long pBase = (long)bh * nnz;
        int qi = qs.Row(b, h, i);
        T top = m.NegativeInfinity;
        for (int e = rs; e < re; e++)
        {
            int kj = ks.Row(b, h, cols[e]);
            T dot = m.Zero;
            for (int c = 0; c < d; c++) dot = m.Add(dot, m.Mul(q[qi + c], k[kj + c]));
            T logit = m.Mul(dot, scale);
            probs[pBase + e] = logit;
            top = ElementMath.Max<T, TOps>(top, logit);
        }
        T total = m.Zero;
        for (int e = rs; e < re; e++)
        {
            T y = m.Exp(m.Sub(probs[pBase + e], top));
            probs[pBase + e] = y;
            total = m.Add(total, y);
        }
        T inv = m.Div(m.One, total);
        for (int e = rs; e < re; e++) probs[pBase + e] = m.Mul(probs[pBase + e], inv);
        int oi = os.Row(b, h, i);
        for (int c = 0; c < d; c++)
        {
            T acc = m.Zero;
            for (int e = rs; e < re; e++) acc = m.Add(acc, m.Mul(probs[pBase + e], v[vs.Row(b, h, cols[e]) + c]));
            o[oi + c] = acc;
        }
    }

    /// <summary>
    /// Query-row pass of the backward: ds[bh, e] = scale (dO_i.v_j - sum_e' p_e' dO_i.v_j') p_e, then (when wanted)
    /// dq_i = sum_e ds_e k_j. r runs over B*H*N.
    /// </summary>
    /// Strides: A = k, B = v, C = dO, D = dq; a.First != 0 when dq is wanted.
    public static void BackwardRows<T, TOps>(Index1D r, AttentionArgs<T> a, ArrayView<int> rowPtr, ArrayView<int> cols,
        ArrayView<T> k, ArrayView<T> v, ArrayView<T> dO, ArrayView<T> probs, ArrayView<T> ds, ArrayView<T> dq, FourHeads st)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int heads = a.Heads, n = a.N, d = a.D, nnz = a.Nnz, needDq = a.First;
        T scale = a.Scale;
        var (ks, vs, dOs, dqs) = (st.A, st.B, st.C, st.D);
        var m = default(TOps);
        int i = r % n, bh = r / n, h = bh % heads, b = bh / heads;
        int rs = rowPtr[i], re = rowPtr[i + 1];
        long pBase = (long)bh * nnz;
        int gi = dOs.Row(b, h, i);
        T rowDot = m.Zero;
        for (int e = rs; e < re; e++)
        {
            int vj = vs.Row(b, h, cols[e]);
            T dot = m.Zero;
            for (int c = 0; c < d; c++) dot = m.Add(dot, m.Mul(dO[gi + c], v[vj + c]));
            ds[pBase + e] = dot;
            rowDot = m.Add(rowDot, m.Mul(probs[pBase + e], dot));
        }
        for (int e = rs; e < re; e++)
            ds[pBase + e] = m.Mul(scale, m.Mul(m.Sub(ds[pBase + e], rowDot), probs[pBase + e]));
        if (needDq == 0) return;
        int qi = dqs.Row(b, h, i);
        for (int c = 0; c < d; c++)
        {
            T acc = m.Zero;
            for (int e = rs; e < re; e++) acc = m.Add(acc, m.Mul(ds[pBase + e], k[ks.Row(b, h, cols[e]) + c]));
            dq[qi + c] = acc;
        }
    }

    /// <summary>
    /// Key-row pass of the backward: dv_j = sum_{e into j} p_e dO_row(e) and dk_j = sum_{e into j} ds_e q_row(e), over the
    /// edges into j in ascending edge (so row) order. r runs over B*H*N.
    /// </summary>
    /// Strides: A = q, B = dO, C = dk, D = dv; a.First != 0 when dk is wanted, a.Second when dv is.
    public static void BackwardColumns<T, TOps>(Index1D r, AttentionArgs<T> a, ArrayView<int> colPtr, ArrayView<int> colEdges,
        ArrayView<int> edgeRows, ArrayView<T> q, ArrayView<T> dO, ArrayView<T> probs, ArrayView<T> ds, ArrayView<T> dk, ArrayView<T> dv, FourHeads st)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int heads = a.Heads, n = a.N, d = a.D, nnz = a.Nnz, needDk = a.First, needDv = a.Second;
        var (qs, dOs, dks, dvs) = (st.A, st.B, st.C, st.D);
        var m = default(TOps);
        int j = r % n, bh = r / n, h = bh % heads, b = bh / heads;
        int cs = colPtr[j], ce = colPtr[j + 1];
        long pBase = (long)bh * nnz;
        for (int c = 0; c < d; c++)
        {
            T accK = m.Zero, accV = m.Zero;
            for (int t = cs; t < ce; t++)
            {
                int e = colEdges[t], row = edgeRows[e];
                if (needDv != 0) accV = m.Add(accV, m.Mul(probs[pBase + e], dO[dOs.Row(b, h, row) + c]));
                if (needDk != 0) accK = m.Add(accK, m.Mul(ds[pBase + e], q[qs.Row(b, h, row) + c]));
            }
            if (needDv != 0) dv[dvs.Row(b, h, j) + c] = accV;
            if (needDk != 0) dk[dks.Row(b, h, j) + c] = accK;
        }
    }
}
