using static TorchSharp.torch;

namespace GsdmCore.Compare;

using Tensor = TorchSharp.torch.Tensor;

/// <summary>The two attention variants of the TorchSharp reference.</summary>
internal enum TorchAttentionVariant { SparseGather, DenseMasked }

internal static class TorchAttention
{
    public static string Label(TorchAttentionVariant v) => v == TorchAttentionVariant.SparseGather ? "sparse-gather" : "dense-masked";

    /// <summary>q, k, v [B, H, N, dh] -> [B, H, N, dh].</summary>
    public static Tensor Forward(TorchAttentionVariant variant, TorchGraphTensors g, Tensor q, Tensor k, Tensor v, double scale) =>
        variant == TorchAttentionVariant.SparseGather ? Gather(g, q, k, v, scale) : DenseMasked(g, q, k, v, scale);

    /// <summary>
    /// The reference's O(n m) path: keys and values gathered by the padded index into [B, H, N, m, dh], logits over the
    /// m slots with -inf on the padding, softmax, weighted sum.
    /// </summary>
    private static Tensor Gather(TorchGraphTensors g, Tensor q, Tensor k, Tensor v, double scale)
    {
        long b = q.shape[0], h = q.shape[1], n = q.shape[2], d = q.shape[3];
        var kg = k.index_select(2, g.GatherIndex).view(b, h, n, g.MaxKeys, d);
        var vg = v.index_select(2, g.GatherIndex).view(b, h, n, g.MaxKeys, d);
        var logits = einsum("bhnd,bhnkd->bhnk", q, kg);
        if (scale != 1.0) logits = logits * scale;
        var probs = logits.masked_fill(g.GatherInvalid, double.NegativeInfinity).softmax(-1);
        return einsum("bhnk,bhnkd->bhnd", probs, vg);
    }

    /// <summary>All-pairs logits with the graph mask applied (-inf where forbidden), softmax, probs @ v.</summary>
    private static Tensor DenseMasked(TorchGraphTensors g, Tensor q, Tensor k, Tensor v, double scale)
    {
        var logits = matmul(q, k.transpose(-2, -1));
        if (scale != 1.0) logits = logits * scale;
        var probs = logits.masked_fill(g.DenseForbidden, double.NegativeInfinity).softmax(-1);
        return matmul(probs, v);
    }
}
