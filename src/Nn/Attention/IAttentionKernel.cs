namespace GsdmCore.Nn;

/// <summary>
/// One way of computing multi-head attention. Every kernel takes queries, keys and values laid out as
/// [batch, heads, nodes, headDim] (views with a unit stride on the last axis are read in place; other views are
/// copied) and returns the attended values in that same shape. Kernels are interchangeable inside
/// <see cref="AttentionBlock"/>.
/// </summary>
public interface IAttentionKernel
{
    /// <summary>Attends: q, k, v [B, H, N, Dh] -> [B, H, N, Dh].</summary>
    Tensor Forward(Tensor q, Tensor k, Tensor v);
}
