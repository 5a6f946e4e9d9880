using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>Dense attention as the formulas in the contract's documentation, one element at a time, in float64.</summary>
public sealed partial class ScalarBackend
{
    public override void DenseAttentionForward(in DenseAttentionDims d,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer o, Layout ol, IBuffer? probs)
    {
        var (bq, bk, bv, bo) = (Float(B(q), "dense_attention"), B(k), B(v), B(o));
        int n = d.Nodes;
        for (int b = 0; b < d.Batch; b++)
            for (int h = 0; h < d.Heads; h++)
                for (int i = 0; i < n; i++)
                {
                    var p = DenseProbabilities(d, bq, ql, bk, kl, b, h, i);
                    for (int c = 0; c < d.HeadDim; c++)
                    {
                        double acc = 0;
                        for (int j = 0; j < n; j++) acc += p[j] * bv.Data[At(vl, b, h, j, c)];
                        bo.Data[At(ol, b, h, i, c)] = Round(bo.DType, acc);
                    }
                    if (probs != null)
                        for (int j = 0; j < n; j++) B(probs).Data[((b * d.Heads + h) * n + i) * n + j] = Round(probs.DType, p[j]);
                }
    }

    private static double[] DenseProbabilities(in DenseAttentionDims d, ScalarBuffer q, Layout ql, ScalarBuffer k, Layout kl, int b, int h, int i)
    {
        var logits = new double[d.Nodes];
        for (int j = 0; j < d.Nodes; j++)
        {
            double dot = 0;
            for (int c = 0; c < d.HeadDim; c++) dot += q.Data[At(ql, b, h, i, c)] * k.Data[At(kl, b, h, j, c)];
            logits[j] = d.Scale * dot;
        }
        double top = logits.Max();
        double total = logits.Sum(l => Math.Exp(l - top));
        return logits.Select(l => Math.Exp(l - top) / total).ToArray();
    }

    public override void DenseAttentionBackward(in DenseAttentionDims d,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer dO, Layout dOl, IBuffer probs,
        IBuffer? dq, Layout dql, IBuffer? dk, Layout dkl, IBuffer? dv, Layout dvl)
    {
        var (bq, bk, bv, bg, bp) = (Float(B(q), "dense_attention_backward"), B(k), B(v), B(dO), B(probs));
        int n = d.Nodes, dh = d.HeadDim;
        for (int b = 0; b < d.Batch; b++)
            for (int h = 0; h < d.Heads; h++)
            {
                var gq = new double[n, dh];
                var gk = new double[n, dh];
                var gv = new double[n, dh];
                int pBase = (b * d.Heads + h) * n * n;
                for (int i = 0; i < n; i++)
                {
                    var dots = new double[n];
                    double rowDot = 0;
                    for (int j = 0; j < n; j++)
                    {
                        for (int c = 0; c < dh; c++) dots[j] += bg.Data[At(dOl, b, h, i, c)] * bv.Data[At(vl, b, h, j, c)];
                        rowDot += bp.Data[pBase + i * n + j] * dots[j];
                    }
                    for (int j = 0; j < n; j++)
                    {
                        double p = bp.Data[pBase + i * n + j];
                        double ds = d.Scale * (dots[j] - rowDot) * p;
                        for (int c = 0; c < dh; c++)
                        {
                            gq[i, c] += ds * bk.Data[At(kl, b, h, j, c)];
                            gk[j, c] += ds * bq.Data[At(ql, b, h, i, c)];
                            gv[j, c] += p * bg.Data[At(dOl, b, h, i, c)];
                        }
                    }
                }
                for (int i = 0; i < n; i++)
                    for (int c = 0; c < dh; c++)
                    {
                        if (dq != null) B(dq).Data[At(dql, b, h, i, c)] = Round(dq.DType, gq[i, c]);
                        if (dk != null) B(dk).Data[At(dkl, b, h, i, c)] = Round(dk.DType, gk[i, c]);
                        if (dv != null) B(dv).Data[At(dvl, b, h, i, c)] = Round(dv.DType, gv[i, c]);
                    }
            }
    }
}
