namespace GsdmCore.Diffusion;

/// <summary>Which attention the GSDM denoiser's blocks use (see <see cref="GsdmAttention.Create"/>).</summary>
public enum AttentionKind
{
    /// <summary>
    /// Graph-sparse attention along the compiled graph's faithful structure (the reference's <c>impose_sparsity:
    /// sparse</c>), O(nodes x max keys). Unscaled logits by default, as the reference.
    /// </summary>
    Sparse,
    /// <summary>All-pairs attention, the "non-sparse" baseline (<c>impose_sparsity: not</c>); logits scaled by 1/sqrt(head dim).</summary>
    Dense,
    /// <summary>All-pairs attention with the graph's mask applied to the logits (the reference's dense-masked path); 1/sqrt(head dim).</summary>
    MaskedDense,
    /// <summary>DIFFormer-style linear all-pair attention, O(nodes).</summary>
    Linear,
}
