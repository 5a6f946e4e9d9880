using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// All-pairs softmax attention: softmax(q k^T * scale) v, scale 1/sqrt(head dim) unless given. A fused custom op with
/// its own backward (the backend's <see cref="Backend.DenseAttentionForward"/> / <see cref="Backend.DenseAttentionBackward"/>,
/// so it runs on the inputs' device). When a gradient is recorded it keeps only the probabilities, [B*H, N, N], for the
/// backward pass (no logits or scaled logits); otherwise it keeps nothing of size N^2. F32 and F64; on the CPU
/// bit-identical for any thread count. The output is stored node-major (merging the heads back to [B, N, H*Dh] is
/// free); each gradient is laid out like its input.
/// </summary>
public sealed class DenseAttention : IAttentionKernel
{
    /// <summary>The logit scale, or null for 1/sqrt(head dim).</summary>
    public double? Scale { get; }

    /// <summary>Creates the kernel.</summary>
    public DenseAttention(double? scale = null) => Scale = scale;

    /// <inheritdoc />
    public Tensor Forward(Tensor q, Tensor k, Tensor v)
    {
        var (b, h, n, d) = AttentionChecks.Qkv("dense_attention", q, k, v);
        (q, k, v) = HeadTensors.Inputs("dense_attention", q, k, v);
        var dims = new DenseAttentionDims(b, h, n, d, AttentionChecks.Scale(Scale, d));
        bool record = HeadTensors.RecordsGradient(q, k, v);
        var output = HeadTensors.NodeMajorEmpty(b, h, n, d, q.DType, q.Device);
        // Pooled through the engine (released with the step's TensorScope); held as a tensor, so a backward after
        // the scope ended fails loudly instead of reading reused memory.
        var probs = record ? Tensor.Empty([b * h, n, n], q.DType, q.Device) : null;
        q.Buffer.Backend.DenseAttentionForward(dims, q.Buffer, q.Layout, k.Buffer, k.Layout, v.Buffer, v.Layout,
            output.Buffer, output.Layout, probs?.Buffer);
        return record ? output.RecordCustom(new Backward(dims, probs!), q, k, v) : output;
    }

    /// <summary>The op's backward: holds the probabilities of its forward pass.</summary>
    private sealed class Backward(DenseAttentionDims dims, Tensor probs) : ICustomGrad
    {
        Tensor?[] ICustomGrad.Backward(GradNode node, Tensor gradOutput)
        {
            var (q, k, v) = (node.Inputs[0], node.Inputs[1], node.Inputs[2]);
            var dO = HeadTensors.UnitStride(gradOutput);
            var (dq, dk, dv, none) = HeadTensors.GradientTargets(q, k, v);
            q.Buffer.Backend.DenseAttentionBackward(dims, q.Buffer, q.Layout, k.Buffer, k.Layout, v.Buffer, v.Layout,
                dO.Buffer, dO.Layout, probs.Buffer,
                dq?.Buffer, dq?.Layout ?? none, dk?.Buffer, dk?.Layout ?? none, dv?.Buffer, dv?.Layout ?? none);
            return [dq, dk, dv];
        }
    }
}
