namespace GsdmCore.Nn;

/// <summary>All-pairs softmax attention: softmax(q k^T * scale) v, scale 1/sqrt(head dim) unless given. O(N^2) memory.</summary>
public sealed class DenseAttention : IAttentionKernel
{
    /// <summary>The logit scale, or null for 1/sqrt(head dim).</summary>
    public double? Scale { get; }

    /// <summary>Creates the kernel.</summary>
    public DenseAttention(double? scale = null) => Scale = scale;

    /// <inheritdoc />
    public Tensor Forward(Tensor q, Tensor k, Tensor v)
    {
        var (_, _, _, d) = AttentionChecks.Qkv("dense_attention", q, k, v);
        var logits = q.Matmul(k.MT) * AttentionChecks.Scale(Scale, d);
        return logits.Softmax(-1).Matmul(v);
    }
}
