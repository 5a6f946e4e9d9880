using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// Multi-head self-attention over the nodes of channels-last tokens [B, N, C]:
/// out = x + proj_out(attend(q(norm(x)), k(norm(x)), v(norm(x)))), heads split from the channels
/// (C = heads x head dim). Which nodes attend to which is up to the <see cref="Kernel"/> (dense, masked,
/// graph-sparse or linear), which can be swapped at any time.
/// </summary>
public sealed class AttentionBlock : Module
{
    /// <summary>Channels C.</summary>
    public int Channels { get; }
    /// <summary>Number of heads H.</summary>
    public int Heads { get; }
    /// <summary>The attention kernel.</summary>
    public IAttentionKernel Kernel { get; set; }
    /// <summary>Normalisation before the projections.</summary>
    public GroupNorm Norm { get; }
    /// <summary>Query projection.</summary>
    public Linear Q { get; }
    /// <summary>Key projection.</summary>
    public Linear K { get; }
    /// <summary>Value projection.</summary>
    public Linear V { get; }
    /// <summary>Output projection.</summary>
    public Linear ProjOut { get; }

    /// <summary>Creates the block; <paramref name="channels"/> must be divisible by <paramref name="heads"/>.</summary>
    public AttentionBlock(int channels, int heads, IAttentionKernel kernel, Generator generator, int groups = 32, DType dtype = DType.F32)
    {
        if (heads <= 0 || channels % heads != 0)
            throw new ArgumentException($"AttentionBlock: {channels} channels cannot be split into {heads} heads.");
        Channels = channels;
        Heads = heads;
        Kernel = kernel;
        Norm = RegisterModule("norm", new GroupNorm(GroupNorm.GroupsFor(channels, groups), channels, dtype: dtype));
        Q = RegisterModule("q", new Linear(channels, channels, generator, dtype: dtype));
        K = RegisterModule("k", new Linear(channels, channels, generator, dtype: dtype));
        V = RegisterModule("v", new Linear(channels, channels, generator, dtype: dtype));
        ProjOut = RegisterModule("proj_out", new Linear(channels, channels, generator, dtype: dtype));
    }

    /// <summary>Applies the block to x [B, N, C].</summary>
    public Tensor Forward(Tensor x)
    {
        if (x.Rank != 3 || x.Dim(2) != Channels)
            throw new TensorShapeException("attention_block", $"x must be [batch, nodes, {Channels}], got {Layout.Format(x.Shape)}.");
        int b = x.Dim(0), n = x.Dim(1), d = Channels / Heads;
        var h = Norm.Forward(x);
        Tensor attended;
        if (Kernel is SparseAttention sparse)
        {
            attended = sparse.ForwardPacked(ProjectQkv(h), Heads);
        }
        else
        {
            Tensor Split(Linear proj) => proj.Forward(h).Reshape(b, n, Heads, d).Permute(0, 2, 1, 3);
            attended = Kernel.Forward(Split(Q), Split(K), Split(V));
        }
        var merged = attended.Permute(0, 2, 1, 3).Reshape(b, n, Channels);
        return ProjOut.Forward(merged, residual: x);
    }

    /// <summary>
    /// q, k and v of the normalised input h [B, N, C] side by side, [B, N, 3 C] (what
    /// <see cref="SparseAttention.ForwardPacked"/> reads), from one product with the three projections' weights
    /// stacked: one GEMM forward and, with the sparse kernel writing the three gradients into one tensor, one GEMM
    /// for the input gradient backward (instead of three, and two sums of their results).
    /// </summary>
    public Tensor ProjectQkv(Tensor h)
    {
        // The block's projections are made with biases.
        var weight = Tensor.Concat([Q.Weight, K.Weight, V.Weight]);
        var bias = Tensor.Concat([Q.Bias!, K.Bias!, V.Bias!]);
        return h.Reshape(-1, Channels).MatmulAdd(weight.MT, bias).Reshape(h.Dim(0), h.Dim(1), 3 * Channels);
    }
}
