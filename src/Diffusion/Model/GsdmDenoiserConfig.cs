using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>
/// The architecture of a <see cref="GsdmDenoiser"/>. Defaults are the reference's BCMF settings except the block
/// count (reference: emb 64, 12 blocks, 2 heads, GroupNorm with 32 groups, sparse unscaled attention).
/// </summary>
public sealed record GsdmDenoiserConfig
{
    /// <summary>Token width d (the reference's <c>emb_dim</c>): 64 for BCMF, sorting and Boolean, 128 for Sudoku.</summary>
    public int EmbeddingDim { get; init; } = 64;

    /// <summary>Number of [ResNet block, attention block] pairs L (the reference's <c>num_transformers</c>).</summary>
    public int Blocks { get; init; } = 4;

    /// <summary>Attention heads; must divide <see cref="EmbeddingDim"/>.</summary>
    public int Heads { get; init; } = 2;

    /// <summary>Preferred GroupNorm group count (32 in the reference); fewer are used when it does not divide d.</summary>
    public int Groups { get; init; } = 32;

    /// <summary>How nodes are told apart: IE, AE or EE (the graph supplies the ids).</summary>
    public EmbeddingVariant Embedding { get; init; } = EmbeddingVariant.Exchangeable;

    /// <summary>The attention kernel.</summary>
    public AttentionKind Attention { get; init; } = AttentionKind.Sparse;

    /// <summary>Logit scale; null for the kind's default (1 for sparse, as the reference; 1/sqrt(head dim) for dense).</summary>
    public double? AttentionScale { get; init; }

    /// <summary>Seed of the parameter initialisation: the same seed gives the same weights.</summary>
    public ulong Seed { get; init; }

    /// <summary>Element type of the parameters and of the data the network takes (F32; F64 for exact checks).</summary>
    public DType DType { get; init; } = DType.F32;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (EmbeddingDim < 2) throw new ArgumentException($"GsdmDenoiserConfig: EmbeddingDim must be at least 2, got {EmbeddingDim}.");
        if (Blocks < 1) throw new ArgumentException($"GsdmDenoiserConfig: Blocks must be at least 1, got {Blocks}.");
        if (Heads < 1 || EmbeddingDim % Heads != 0)
            throw new ArgumentException($"GsdmDenoiserConfig: {Heads} heads do not divide EmbeddingDim {EmbeddingDim}.");
        if (Groups < 1) throw new ArgumentException($"GsdmDenoiserConfig: Groups must be at least 1, got {Groups}.");
        if (!DType.IsFloat()) throw new ArgumentException($"GsdmDenoiserConfig: DType must be F32 or F64, got {DType}.");
        if (!Enum.IsDefined(Embedding)) throw new ArgumentException($"GsdmDenoiserConfig: unknown embedding variant {Embedding}.");
        if (!Enum.IsDefined(Attention)) throw new ArgumentException($"GsdmDenoiserConfig: unknown attention kind {Attention}.");
        if (AttentionScale is double s && !(s > 0 && double.IsFinite(s)))
            throw new ArgumentException($"GsdmDenoiserConfig: AttentionScale must be a positive finite number, got {s}.");
    }
}
