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
