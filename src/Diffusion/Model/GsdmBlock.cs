using GsdmCore.Backends;
using GsdmCore.Nn;

namespace GsdmCore.Diffusion;

/// <summary>One of the denoiser's L blocks: a <see cref="ResNetBlock"/> taking the timestep and node embeddings, then an <see cref="AttentionBlock"/>.</summary>
public sealed class GsdmBlock : Module
{
    /// <summary>The residual block.</summary>
    public ResNetBlock Res { get; }
    /// <summary>The attention block.</summary>
    public AttentionBlock Attention { get; }

    /// <summary>Creates the pair for tokens of width <paramref name="dim"/>.</summary>
    public GsdmBlock(int dim, int heads, int groups, IAttentionKernel kernel, Generator generator, DType dtype)
    {
        Res = RegisterModule("res", new ResNetBlock(dim, dim, dim, dim, generator, groups, dtype: dtype));
        Attention = RegisterModule("attn", new AttentionBlock(dim, heads, kernel, generator, groups, dtype));
    }

    /// <summary>tokens [B, N, d], temb [B, d], node embedding [N, d] -> [B, N, d].</summary>
    public Tensor Forward(Tensor tokens, Tensor temb, Tensor nodeEmbedding) =>
        Attention.Forward(Res.Forward(tokens, temb, nodeEmbedding));
}
