using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>Shape and dtype checks shared by the attention kernels.</summary>
internal static class AttentionChecks
{
    /// <summary>Checks q, k, v are float [B, H, N, Dh] of one dtype; returns (B, H, N, Dh).</summary>
    public static (int B, int H, int N, int D) Qkv(string op, Tensor q, Tensor k, Tensor v, int? nodes = null)
    {
        if (q.Rank != 4)
            throw new TensorShapeException(op, $"q must be [batch, heads, nodes, head_dim], got {Layout.Format(q.Shape)}.");
        if (!q.Layout.Shape.AsSpan().SequenceEqual(k.Layout.Shape) || !q.Layout.Shape.AsSpan().SequenceEqual(v.Layout.Shape))
            throw new TensorShapeException(op, $"q {Layout.Format(q.Shape)}, k {Layout.Format(k.Shape)} and v {Layout.Format(v.Shape)} must share one shape.");
        if (!q.DType.IsFloat() || k.DType != q.DType || v.DType != q.DType)
            throw new TensorDTypeException(op, $"q, k, v must share one float dtype, got {q.DType}, {k.DType}, {v.DType}.");
        if (nodes is int n && q.Dim(2) != n)
            throw new TensorShapeException(op, $"the inputs have {q.Dim(2)} nodes but the graph has {n}.");
        return (q.Dim(0), q.Dim(1), q.Dim(2), q.Dim(3));
    }

    /// <summary>The logit scale: <paramref name="scale"/> when given, otherwise 1/sqrt(headDim).</summary>
    public static double Scale(double? scale, int headDim) => scale ?? 1.0 / Math.Sqrt(headDim);
}
