using GsdmCore.Backends.Cpu;
using System.Numerics;
using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// Attention along the edges of a <see cref="SparseGraph"/>: query node i attends only to its listed key nodes,
/// softmax(scale * q_i.k_j) over them. A fused custom op with its own backward; it keeps one probability per
/// (batch, head, edge) for the backward pass, so memory is O(B H nnz) and time O(B H nnz Dh) -- never a
/// [B, H, N, maxDegree, Dh] gather. Rows without edges (allowed only when the graph was built without
/// required self-loops) produce zeros. F32 and F64; bit-identical for any thread count. The work is split over
/// the B*H (batch, head) pairs, which bounds the threads it can use. The output is stored node-major (merging the
/// heads back to [B, N, H*Dh] is free); each gradient is laid out like its input.
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
        q = HeadView<float>.UnitStride(q);
        k = HeadView<float>.UnitStride(k);
        v = HeadView<float>.UnitStride(v);
        double scale = AttentionChecks.Scale(Scale, d);
        bool record = GradMode.IsEnabled && (q.RequiresGrad || k.RequiresGrad || v.RequiresGrad);
        var output = HeadView<float>.NodeMajorEmpty(b, h, n, d, q.DType);
        ICustomGrad rule = q.DType == DType.F32
            ? Run<float>(q, k, v, output, (float)scale, b, h, d, record)
            : Run<double>(q, k, v, output, scale, b, h, d, record);
        return record ? output.RecordCustom(rule, q, k, v) : output;
    }

    private Backward<T> Run<T>(Tensor q, Tensor k, Tensor v, Tensor output, T scale, int b, int h, int d, bool record)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Pooled through the engine (released with the step's TensorScope), so a step allocates nothing new; held
        // as a tensor, so a backward after the scope ended fails loudly instead of reading reused memory.
        var probs = record ? Tensor.Empty([b * h * Graph.EdgeCount], q.DType) : null;
        SparseAttentionKernels<T>.Forward(Graph, scale, new HeadView<T>(q), new HeadView<T>(k), new HeadView<T>(v),
            new HeadView<T>(output), b, h, d, probs == null ? null : ((CpuBuffer)probs.Buffer).As<T>());
        return new Backward<T>(Graph, scale, probs, b, h, d);
    }

    /// <summary>The op's backward: holds the per-edge probabilities of its forward pass.</summary>
    private sealed class Backward<T>(SparseGraph graph, T scale, Tensor? probs, int batch, int heads, int d) : ICustomGrad
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tensor?[] ICustomGrad.Backward(GradNode node, Tensor gradOutput)
        {
            var (q, k, v) = (node.Inputs[0], node.Inputs[1], node.Inputs[2]);
            var dO = HeadView<T>.UnitStride(gradOutput);
            int n = graph.Nodes;
            Tensor? dq = q.RequiresGrad ? HeadView<T>.EmptyLike(q) : null;
            Tensor? dk = k.RequiresGrad ? HeadView<T>.EmptyLike(k) : null;
            Tensor? dv = v.RequiresGrad ? HeadView<T>.EmptyLike(v) : null;
            SparseAttentionKernels<T>.Backward(graph, scale, new HeadView<T>(q), new HeadView<T>(k), new HeadView<T>(v),
                new HeadView<T>(dO), ((CpuBuffer)probs!.Buffer).As<T>(), batch, heads, d,
                dq == null ? null : new HeadView<T>(dq), dk == null ? null : new HeadView<T>(dk), dv == null ? null : new HeadView<T>(dv));
            return [dq, dk, dv];
        }
    }
}
