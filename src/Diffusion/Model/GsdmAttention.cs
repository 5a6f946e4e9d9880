using GsdmCore.Nn;

namespace GsdmCore.Diffusion;

/// <summary>Builds the attention kernel of a GSDM denoiser for a compiled graph.</summary>
public static class GsdmAttention
{
    /// <summary>
    /// The kernel of <paramref name="kind"/> for <paramref name="graph"/>. <paramref name="scale"/> is the logit scale;
    /// null picks the reference's choice: 1 (unscaled) for <see cref="AttentionKind.Sparse"/>, 1/sqrt(head dim) for
    /// the dense kinds. <see cref="AttentionKind.Linear"/> has no logit scale and ignores it.
    /// </summary>
    public static IAttentionKernel Create(AttentionKind kind, CompiledGraph graph, double? scale = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return kind switch
        {
            AttentionKind.Sparse => new SparseAttention(graph.Attention, scale ?? 1.0),
            AttentionKind.Dense => new DenseAttention(scale),
            AttentionKind.MaskedDense => new MaskedDenseAttention(graph.Attention, scale),
            AttentionKind.Linear => new LinearAttention(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown attention kind."),
        };
    }
}
