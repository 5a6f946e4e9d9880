using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// The denoiser's residual block on channels-last tokens [B, N, C] (every convolution of the reference has
/// kernel size 1, so each is a <see cref="Linear"/>):
/// h = conv1(SiLU(norm1(x))) + temb_proj(SiLU(temb)) + emb_proj(node embedding);
/// h = conv2(dropout(SiLU(norm2(h)))); out = shortcut(x) + h, where the shortcut is the identity or, when the
/// channel count changes, nin_shortcut.
/// </summary>
public sealed class ResNetBlock : Module
{
    /// <summary>First normalisation.</summary>
    public GroupNorm Norm1 { get; }
    /// <summary>First channel map.</summary>
    public Linear Conv1 { get; }
    /// <summary>Projection of the timestep embedding.</summary>
    public Linear TembProj { get; }
    /// <summary>Projection of the node embedding, null when the block takes none.</summary>
    public Linear? EmbProj { get; }
    /// <summary>Second normalisation.</summary>
    public GroupNorm Norm2 { get; }
    /// <summary>Dropout before the second channel map.</summary>
    public Dropout Dropout { get; }
    /// <summary>Second channel map.</summary>
    public Linear Conv2 { get; }
    /// <summary>Channel-changing shortcut, null when in and out channels agree.</summary>
    public Linear? NinShortcut { get; }

    /// <summary>
    /// Creates the block. <paramref name="nodeEmbeddingChannels"/> = 0 leaves out the node embedding;
    /// <paramref name="groups"/> is the preferred GroupNorm group count (fewer are used when it does not divide the channels).
    /// </summary>
    public ResNetBlock(int inChannels, int outChannels, int tembChannels, int nodeEmbeddingChannels, Generator generator,
        int groups = 32, double dropout = 0, DType dtype = DType.F32)
    {
        Norm1 = RegisterModule("norm1", new GroupNorm(GroupNorm.GroupsFor(inChannels, groups), inChannels, dtype: dtype));
        Conv1 = RegisterModule("conv1", new Linear(inChannels, outChannels, generator, dtype: dtype));
        TembProj = RegisterModule("temb_proj", new Linear(tembChannels, outChannels, generator, dtype: dtype));
        if (nodeEmbeddingChannels > 0)
            EmbProj = RegisterModule("emb_proj", new Linear(nodeEmbeddingChannels, outChannels, generator, dtype: dtype));
        Norm2 = RegisterModule("norm2", new GroupNorm(GroupNorm.GroupsFor(outChannels, groups), outChannels, dtype: dtype));
        Dropout = RegisterModule("dropout", new Dropout(dropout, dropout > 0 ? generator : null));
        Conv2 = RegisterModule("conv2", new Linear(outChannels, outChannels, generator, dtype: dtype));
        if (inChannels != outChannels)
            NinShortcut = RegisterModule("nin_shortcut", new Linear(inChannels, outChannels, generator, dtype: dtype));
    }

    /// <summary>
    /// Applies the block: x [B, N, Cin], temb [B, Temb], nodeEmbedding [N, E] or [B, N, E] (null only when the
    /// block was built without one) -> [B, N, Cout].
    /// </summary>
    public Tensor Forward(Tensor x, Tensor temb, Tensor? nodeEmbedding = null)
    {
        if (x.Rank != 3) throw new TensorShapeException("resnet_block", $"x must be [batch, nodes, channels], got {Layout.Format(x.Shape)}.");
        // The two projections are summed first and added to conv1's output in its bias pass.
        var added = TembProj.Forward(temb.Silu()).Unsqueeze(1);
        if (EmbProj != null)
        {
            if (nodeEmbedding == null) throw new ArgumentNullException(nameof(nodeEmbedding), "this block was built with a node embedding; pass one.");
            added = added + EmbProj.Forward(nodeEmbedding);
        }
        var h = Conv1.Forward(Norm1.ForwardSilu(x), residual: added);
        return Conv2.Forward(Dropout.Forward(Norm2.ForwardSilu(h)), residual: NinShortcut?.Forward(x) ?? x);
    }
}
