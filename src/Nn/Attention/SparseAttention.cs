using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// Attention along the edges of a <see cref="SparseGraph"/>: query node i attends only to its listed key nodes,
/// softmax(scale * q_i.k_j) over them. A fused custom op with its own backward (the backend's
/// <see cref="Backend.SparseAttentionForward"/> / <see cref="Backend.SparseAttentionBackward"/>, so it runs on the
/// inputs' device); it keeps one probability per (batch, head, edge) for the backward pass, so memory is O(B H nnz)
/// and time O(B H nnz Dh) -- never a [B, H, N, maxDegree, Dh] gather. Rows without edges (allowed only when the graph
/// was built without required self-loops) produce zeros. F32 and F64; on the CPU bit-identical for any thread count.
/// The output is stored node-major (merging the heads back to [B, N, H*Dh] is free); each gradient is laid out like
/// its input.
/// </summary>
public sealed class SparseAttention : IAttentionKernel
{
    /// <summary>The attention graph.</summary>
    public SparseGraph Graph { get; }
    /// <summary>The logit scale, or null for 1/sqrt(head dim). The reference's sparse path is unscaled (1.0).</summary>
    public double? Scale { get; }

    /// <summary>Creates the kernel for <paramref name="graph"/>.</summary>
    public SparseAttention(SparseGraph graph, double? scale = null)
    {
        Graph = graph;
        Scale = scale;
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor q, Tensor k, Tensor v)
    {
        var (b, h, n, d) = AttentionChecks.Qkv("sparse_attention", q, k, v, Graph.Nodes);
        (q, k, v) = HeadTensors.Inputs("sparse_attention", q, k, v);
        var dims = new SparseAttentionDims(b, h, n, d, Graph.EdgeCount, AttentionChecks.Scale(Scale, d));
        bool record = HeadTensors.RecordsGradient(q, k, v);
        var output = HeadTensors.NodeMajorEmpty(b, h, n, d, q.DType, q.Device);
        // Pooled through the engine (released with the step's TensorScope), so a step allocates nothing new; held
        // as a tensor, so a backward after the scope ended fails loudly instead of reading reused memory.
        var probs = record ? Tensor.Empty([b * h * Graph.EdgeCount], q.DType, q.Device) : null;
        q.Buffer.Backend.SparseAttentionForward(dims, Graph.On(q.Device), q.Buffer, q.Layout, k.Buffer, k.Layout,
            v.Buffer, v.Layout, output.Buffer, output.Layout, probs?.Buffer);
        return record ? output.RecordCustom(new Backward(Graph, dims, probs!), q, k, v) : output;
    }

    /// <summary>The op's backward: holds the per-edge probabilities of its forward pass.</summary>
    /// <summary>
    /// Attention over the queries, keys and values of one tensor [B, N, 3 C] (C = heads x head dim), as a fused
    /// projection writes them: q = qkv[..., :C], k = qkv[..., C:2C], v = qkv[..., 2C:], heads split from the
    /// channels. Gives what <see cref="Forward"/> gives on the three slices, [B, H, N, Dh] (node-major), and the
    /// backward writes the three gradients into one [B, N, 3 C] tensor, so the projection's backward is one GEMM.
    /// </summary>
    /// <exception cref="TensorShapeException">qkv is not [B, N, 3 C] with N = the graph's nodes and C divisible by <paramref name="heads"/>.</exception>
    public Tensor ForwardPacked(Tensor qkv, int heads)
    {
        if (qkv.Rank != 3 || qkv.Dim(1) != Graph.Nodes || heads <= 0 || qkv.Dim(2) % (3 * heads) != 0)
            throw new TensorShapeException("sparse_attention",
                $"qkv must be [batch, {Graph.Nodes}, 3 x channels] with channels divisible by {heads} heads, got {Layout.Format(qkv.Shape)}.");
        if (!qkv.DType.IsFloat())
            throw new TensorDTypeException("sparse_attention", $"qkv must be a float tensor, got {qkv.DType}.");
        qkv = qkv.IsContiguous ? qkv : qkv.Contiguous();
        int b = qkv.Dim(0), n = qkv.Dim(1), c = qkv.Dim(2) / 3, d = c / heads;
        var dims = new SparseAttentionDims(b, heads, n, d, Graph.EdgeCount, AttentionChecks.Scale(Scale, d));
        bool record = GradMode.IsEnabled && qkv.RequiresGrad;
        var output = HeadTensors.NodeMajorEmpty(b, heads, n, d, qkv.DType, qkv.Device);
        var probs = record ? Tensor.Empty([b * heads * Graph.EdgeCount], qkv.DType, qkv.Device) : null;
        var (ql, kl, vl) = PackedLayouts(qkv.Layout.Offset, b, heads, n, d);
        qkv.Buffer.Backend.SparseAttentionForward(dims, Graph.On(qkv.Device), qkv.Buffer, ql, qkv.Buffer, kl, qkv.Buffer, vl,
            output.Buffer, output.Layout, probs?.Buffer);
        return record ? output.RecordCustom(new PackedBackward(Graph, dims, probs!), qkv) : output;
    }

    /// <summary>The [B, H, N, Dh] views of q, k and v within a contiguous [B, N, 3 H Dh] tensor that starts at <paramref name="offset"/>.</summary>
    private static (Layout Q, Layout K, Layout V) PackedLayouts(int offset, int b, int h, int n, int d)
    {
        int c = h * d;
        Layout Part(int index) => new([b, h, n, d], [n * 3 * c, d, 3 * c, 1], offset + index * c);
        return (Part(0), Part(1), Part(2));
    }

    private sealed class PackedBackward(SparseGraph graph, SparseAttentionDims dims, Tensor probs) : ICustomGrad
    {
        Tensor?[] ICustomGrad.Backward(GradNode node, Tensor gradOutput)
        {
            var qkv = node.Inputs[0];
            var dO = HeadTensors.UnitStride(gradOutput);
            var (ql, kl, vl) = PackedLayouts(qkv.Layout.Offset, dims.Batch, dims.Heads, dims.Nodes, dims.HeadDim);
            // Every row of each target is written: the three parts fill the gradient.
            var dqkv = Tensor.Empty(qkv.Shape, qkv.DType, qkv.Device);
            var (dql, dkl, dvl) = PackedLayouts(0, dims.Batch, dims.Heads, dims.Nodes, dims.HeadDim);
            qkv.Buffer.Backend.SparseAttentionBackward(dims, graph.On(qkv.Device), qkv.Buffer, ql, qkv.Buffer, kl, qkv.Buffer, vl,
                dO.Buffer, dO.Layout, probs.Buffer, dqkv.Buffer, dql, dqkv.Buffer, dkl, dqkv.Buffer, dvl);
            return [dqkv];
        }
    }

    private sealed class Backward(SparseGraph graph, SparseAttentionDims dims, Tensor probs) : ICustomGrad
    {
        Tensor?[] ICustomGrad.Backward(GradNode node, Tensor gradOutput)
        {
            var (q, k, v) = (node.Inputs[0], node.Inputs[1], node.Inputs[2]);
            var dO = HeadTensors.UnitStride(gradOutput);
            var (dq, dk, dv, none) = HeadTensors.GradientTargets(q, k, v);
            q.Buffer.Backend.SparseAttentionBackward(dims, graph.On(q.Device), q.Buffer, q.Layout, k.Buffer, k.Layout,
                v.Buffer, v.Layout, dO.Buffer, dO.Layout, probs.Buffer,
                dq?.Buffer, dq?.Layout ?? none, dk?.Buffer, dk?.Layout ?? none, dv?.Buffer, dv?.Layout ?? none);
            return [dq, dk, dv];
        }
    }
}
