using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>The fused ops as the formulas in the contract's documentation, one element at a time, in float64.</summary>
public sealed partial class ScalarBackend
{
    private static int At(Layout l, int b, int h, int i, int c) => l.Offset + b * l.Strides[0] + h * l.Strides[1] + i * l.Strides[2] + c * l.Strides[3];

    public override void SparseAttentionForward(in SparseAttentionDims d, in SparseGraphBuffers graph,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer o, Layout ol, IBuffer? probs)
    {
        var (rp, cols) = (B(graph.RowPointers).Data, B(graph.Columns).Data);
        var (bq, bk, bv, bo) = (Float(B(q), "sparse_attention"), B(k), B(v), B(o));
        for (int b = 0; b < d.Batch; b++)
            for (int h = 0; h < d.Heads; h++)
                for (int i = 0; i < d.Nodes; i++)
                {
                    int rs = (int)rp[i], re = (int)rp[i + 1];
                    var p = Probabilities(d, bq, ql, bk, kl, cols, b, h, i, rs, re);
                    for (int c = 0; c < d.HeadDim; c++)
                    {
                        double acc = 0;
                        for (int e = rs; e < re; e++) acc += p[e - rs] * bv.Data[At(vl, b, h, (int)cols[e], c)];
                        bo.Data[At(ol, b, h, i, c)] = Round(bo.DType, acc);
                    }
                    if (probs != null)
                        for (int e = rs; e < re; e++) B(probs).Data[(b * d.Heads + h) * d.Edges + e] = Round(probs.DType, p[e - rs]);
                }
    }

    private static double[] Probabilities(in SparseAttentionDims d, ScalarBuffer q, Layout ql, ScalarBuffer k, Layout kl, double[] cols,
        int b, int h, int i, int rs, int re)
    {
        var logits = new double[re - rs];
        for (int e = rs; e < re; e++)
        {
            double dot = 0;
            for (int c = 0; c < d.HeadDim; c++) dot += q.Data[At(ql, b, h, i, c)] * k.Data[At(kl, b, h, (int)cols[e], c)];
            logits[e - rs] = d.Scale * dot;
        }
        double top = logits.Length == 0 ? 0 : logits.Max();
        double total = logits.Sum(l => Math.Exp(l - top));
        return logits.Select(l => Math.Exp(l - top) / total).ToArray();
    }

    public override void SparseAttentionBackward(in SparseAttentionDims d, in SparseGraphBuffers graph,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer dO, Layout dOl, IBuffer probs,
        IBuffer? dq, Layout dql, IBuffer? dk, Layout dkl, IBuffer? dv, Layout dvl)
    {
        var (rp, cols) = (B(graph.RowPointers).Data, B(graph.Columns).Data);
        var (bq, bk, bv, bg, bp) = (Float(B(q), "sparse_attention_backward"), B(k), B(v), B(dO), B(probs));
        int dh = d.HeadDim;
        for (int b = 0; b < d.Batch; b++)
            for (int h = 0; h < d.Heads; h++)
            {
                var gq = new double[d.Nodes, dh];
                var gk = new double[d.Nodes, dh];
                var gv = new double[d.Nodes, dh];
                int pBase = (b * d.Heads + h) * d.Edges;
                for (int i = 0; i < d.Nodes; i++)
                {
                    int rs = (int)rp[i], re = (int)rp[i + 1];
                    var dots = new double[re - rs];
                    double rowDot = 0;
                    for (int e = rs; e < re; e++)
                    {
                        int j = (int)cols[e];
                        for (int c = 0; c < dh; c++) dots[e - rs] += bg.Data[At(dOl, b, h, i, c)] * bv.Data[At(vl, b, h, j, c)];
                        rowDot += bp.Data[pBase + e] * dots[e - rs];
                    }
                    for (int e = rs; e < re; e++)
                    {
                        int j = (int)cols[e];
                        double p = bp.Data[pBase + e];
                        double ds = d.Scale * (dots[e - rs] - rowDot) * p;
                        for (int c = 0; c < dh; c++)
                        {
                            gq[i, c] += ds * bk.Data[At(kl, b, h, j, c)];
                            gk[j, c] += ds * bq.Data[At(ql, b, h, i, c)];
                            gv[j, c] += p * bg.Data[At(dOl, b, h, i, c)];
                        }
                    }
                }
                for (int i = 0; i < d.Nodes; i++)
                    for (int c = 0; c < dh; c++)
                    {
                        if (dq != null) B(dq).Data[At(dql, b, h, i, c)] = Round(dq.DType, gq[i, c]);
                        if (dk != null) B(dk).Data[At(dkl, b, h, i, c)] = Round(dk.DType, gk[i, c]);
                        if (dv != null) B(dv).Data[At(dvl, b, h, i, c)] = Round(dv.DType, gv[i, c]);
                    }
            }
    }

    public override void GroupNormForward(in GroupNormDims d, IBuffer x, int xOffset, IBuffer? weight, IBuffer? bias,
        IBuffer y, IBuffer mean, IBuffer rstd)
    {
        var bx = Float(B(x), "group_norm");
        int cg = d.Channels / d.Groups;
        for (int b = 0; b < d.Batch; b++)
            for (int g = 0; g < d.Groups; g++)
            {
                var (mu, r) = GroupStats(d, bx, xOffset, b, g);
                B(mean).Data[b * d.Groups + g] = Round(mean.DType, mu);
                B(rstd).Data[b * d.Groups + g] = Round(rstd.DType, r);
                for (int i = 0; i < d.Nodes; i++)
                    for (int j = 0; j < cg; j++)
                    {
                        int ch = g * cg + j, at = (b * d.Nodes + i) * d.Channels + ch;
                        double z = Normalized(bx.Data[xOffset + at], mu, r, weight, bias, ch);
                        B(y).Data[at] = Round(y.DType, d.Silu ? z / (1 + Math.Exp(-z)) : z);
                    }
            }
    }

    private static (double Mean, double Rstd) GroupStats(in GroupNormDims d, ScalarBuffer x, int xOffset, int b, int g)
    {
        int cg = d.Channels / d.Groups;
        var values = new List<double>();
        for (int i = 0; i < d.Nodes; i++)
            for (int j = 0; j < cg; j++) values.Add(x.Data[xOffset + (b * d.Nodes + i) * d.Channels + g * cg + j]);
        double mu = values.Average();
        double variance = values.Average(v => (v - mu) * (v - mu));
        return (mu, 1 / Math.Sqrt(variance + d.Eps));
    }

    private double Normalized(double x, double mu, double r, IBuffer? weight, IBuffer? bias, int ch)
    {
        double v = (x - mu) * r;
        return weight == null ? v : v * B(weight).Data[ch] + B(bias!).Data[ch];
    }

    /// <summary>The gradient reaching the normalisation's output z: dy, or dy SiLU'(z) with SiLU fused.</summary>
    private double Upstream(in GroupNormDims d, double dy, double x, double mu, double r, IBuffer? weight, IBuffer? bias, int ch)
    {
        if (!d.Silu) return dy;
        double z = Normalized(x, mu, r, weight, bias, ch), s = 1 / (1 + Math.Exp(-z));
        return dy * s * (1 + z * (1 - s));
    }

    public override void GroupNormBackward(in GroupNormDims d, IBuffer x, int xOffset, IBuffer dy, int dyOffset, IBuffer? weight,
        IBuffer? bias, IBuffer mean, IBuffer rstd, IBuffer? dx, IBuffer? dw, IBuffer? db)
    {
        // Recomputes the statistics from x (the contract's mean and rstd are the forward's, i.e. the same values).
        var (bx, bdy) = (Float(B(x), "group_norm_backward"), B(dy));
        int cg = d.Channels / d.Groups, count = d.Nodes * cg;
        var gw = new double[d.Channels];
        var gb = new double[d.Channels];
        for (int b = 0; b < d.Batch; b++)
            for (int g = 0; g < d.Groups; g++)
            {
                var (mu, r) = GroupStats(d, bx, xOffset, b, g);
                double s1 = 0, s2 = 0;
                for (int i = 0; i < d.Nodes; i++)
                    for (int j = 0; j < cg; j++)
                    {
                        int ch = g * cg + j, at = (b * d.Nodes + i) * d.Channels + ch;
                        double xhat = (bx.Data[xOffset + at] - mu) * r, g0 = Upstream(d, bdy.Data[dyOffset + at], bx.Data[xOffset + at], mu, r, weight, bias, ch);
                        double dxhat = weight == null ? g0 : g0 * B(weight).Data[ch];
                        s1 += dxhat;
                        s2 += dxhat * xhat;
                        gw[ch] += g0 * xhat;
                        gb[ch] += g0;
                    }
                if (dx == null) continue;
                for (int i = 0; i < d.Nodes; i++)
                    for (int j = 0; j < cg; j++)
                    {
                        int ch = g * cg + j, at = (b * d.Nodes + i) * d.Channels + ch;
                        double xhat = (bx.Data[xOffset + at] - mu) * r, g0 = Upstream(d, bdy.Data[dyOffset + at], bx.Data[xOffset + at], mu, r, weight, bias, ch);
                        double dxhat = weight == null ? g0 : g0 * B(weight).Data[ch];
                        B(dx).Data[at] = Round(dx.DType, r * (dxhat - s1 / count - xhat * s2 / count));
                    }
            }
        for (int ch = 0; ch < d.Channels; ch++)
        {
            if (dw != null) B(dw).Data[ch] = Round(dw.DType, gw[ch]);
            if (db != null) B(db).Data[ch] = Round(db.DType, gb[ch]);
        }
    }

    public override void AdamStep(in AdamCoefficients c, IBuffer param, int paramOffset, IBuffer grad, int gradOffset,
        IBuffer m, IBuffer v, int count)
    {
        var (bp, bg, bm, bv) = (Float(B(param), "adam"), B(grad), B(m), B(v));
        for (int i = 0; i < count; i++)
        {
            double p = bp.Data[paramOffset + i];
            double g = bg.Data[gradOffset + i] + c.L2 * p;
            p *= 1 - c.Decay;
            double mi = c.Beta1 * bm.Data[i] + (1 - c.Beta1) * g;
            double vi = c.Beta2 * bv.Data[i] + (1 - c.Beta2) * g * g;
            bp.Data[paramOffset + i] = Round(bp.DType, p - c.StepSize * mi / (Math.Sqrt(vi) * c.InvSqrtBc2 + c.Eps));
            bm.Data[i] = Round(bm.DType, mi);
            bv.Data[i] = Round(bv.DType, vi);
        }
    }

    public override void MovingAverageStep(IBuffer shadow, IBuffer value, int valueOffset, int count, double decay)
    {
        var (bs, bv) = (Float(B(shadow), "moving_average"), B(value));
        double d = Round(bs.DType, decay), rest = Round(bs.DType, 1 - decay);
        for (int i = 0; i < count; i++)
            bs.Data[i] = Round(bs.DType, Round(bs.DType, d * bs.Data[i]) + Round(bs.DType, rest * bv.Data[valueOffset + i]));
    }
}
