namespace GsdmCore.Nn;

/// <summary>
/// DIFFormer-s linear all-pair attention, O(N) in the number of nodes. With per-row L2-normalised
/// q~_i = q_i / ||q_i|| and k~_j = k_j / ||k_j||:
/// out_i = [sum_j v_j + q~_i^T (sum_j k~_j v_j^T)] / [N + q~_i^T sum_j k~_j].
/// The official DIFFormer code normalises by the Frobenius norm of the whole tensor; this kernel uses the
/// per-row norm of the paper's formula (each q_i, k_j on the unit sphere, so the denominator stays >= 0),
/// with 1e-12 added to the squared norm so a zero row does not divide by zero. Composed from tensor ops.
/// </summary>
public sealed class LinearAttention : IAttentionKernel
{
    /// <summary>Added to each squared row norm before the square root.</summary>
    public const double NormEps = 1e-12;

    /// <inheritdoc />
    public Tensor Forward(Tensor q, Tensor k, Tensor v)
    {
        var (_, _, n, _) = AttentionChecks.Qkv("linear_attention", q, k, v);
        var qn = q * (q.Square().Sum(-1, keepDim: true) + NormEps).Rsqrt();
        var kn = k * (k.Square().Sum(-1, keepDim: true) + NormEps).Rsqrt();
        var kv = kn.MT.Matmul(v);                                   // [B, H, Dh, Dh]
        var numerator = v.Sum(-2, keepDim: true) + qn.Matmul(kv);   // [B, H, N, Dh]
        var kSum = kn.Sum(-2, keepDim: true);                       // [B, H, 1, Dh]
        var denominator = (qn * kSum).Sum(-1, keepDim: true) + n;   // [B, H, N, 1]
        return numerator / denominator;
    }
}
