namespace GsdmCore;

/// <summary>The recorded ops; their gradient rules live in GsdmCore.Autograd.</summary>
public enum OpKind
{
    /// <summary>Elementwise unary; Attr is the <see cref="Backends.UnaryOp"/>.</summary>
    Unary,
    /// <summary>Clamp; Attr is (double Lo, double Hi).</summary>
    Clamp,
    /// <summary>Elementwise binary with broadcasting; Attr is the <see cref="Backends.BinaryOp"/>.</summary>
    Binary,
    /// <summary>Where(cond, a, b); inputs are cond, a, b.</summary>
    Where,
    /// <summary>Sum over axes; Attr is <see cref="ReduceAttr"/>.</summary>
    Sum,
    /// <summary>Max over axes; Attr is <see cref="ReduceAttr"/>.</summary>
    Max,
    /// <summary>Min over axes; Attr is <see cref="ReduceAttr"/>.</summary>
    Min,
    /// <summary>Softmax; Attr is the axis.</summary>
    Softmax,
    /// <summary>Log-softmax; Attr is the axis.</summary>
    LogSoftmax,
    /// <summary>Batched matrix product of the two inputs.</summary>
    Matmul,
    /// <summary>The third (and fourth, when given) input plus the batched matrix product of the first two.</summary>
    MatmulAdd,
    /// <summary>Any view that keeps the element order (reshape, squeeze, unsqueeze).</summary>
    Reshape,
    /// <summary>Axis permutation; Attr is the permutation.</summary>
    Permute,
    /// <summary>Narrow; Attr is (int Axis, int Start).</summary>
    Narrow,
    /// <summary>Broadcast to a larger shape.</summary>
    Expand,
    /// <summary>A copy that changes layout only (Contiguous, Clone).</summary>
    Copy,
    /// <summary>Element-type conversion.</summary>
    Cast,
    /// <summary>Index-select; Attr is <see cref="IndexAttr"/>.</summary>
    IndexSelect,
    /// <summary>Index-add of input 1 into input 0; Attr is <see cref="IndexAttr"/>.</summary>
    IndexAdd,
    /// <summary>Gather; Attr is <see cref="IndexAttr"/>.</summary>
    Gather,
    /// <summary>Scatter-add of input 1 into input 0; Attr is <see cref="IndexAttr"/>.</summary>
    ScatterAdd,
    /// <summary>Concatenation of all inputs; Attr is the axis.</summary>
    Concat,
    /// <summary>A fused op carrying its own rule; Attr is an <see cref="ICustomGrad"/>.</summary>
    Custom,
}

/// <summary>Axes reduced and whether they were kept.</summary>
public sealed record ReduceAttr(int[] Axes, bool KeepDim);

/// <summary>Axis and index tensor of an indexing op.</summary>
public sealed record IndexAttr(int Axis, Tensor Index);

/// <summary>A fused op's backward, kept beside its forward.</summary>
public interface ICustomGrad
{
    /// <summary>
    /// Gradients for each input of <paramref name="node"/> (null where none flows). Backward may sum further
    /// gradients in place into a returned tensor whose memory was allocated during this call, unless another returned
    /// gradient views the same memory: such a tensor must not be kept or shared elsewhere.
    /// </summary>
    Tensor?[] Backward(GradNode node, Tensor gradOutput);
}

/// <summary>
/// A fused op's backward that can fold a gradient already waiting for one of its inputs into the gradient it computes
/// for that input, in the same pass: the residual's gradient into a normalisation's input gradient, where the backward
/// walk would otherwise add the two in a pass of its own.
/// </summary>
public interface IAccumulatingGrad : ICustomGrad
{
    /// <summary>The input whose pending gradient the rule can fold in.</summary>
    int AccumulatingInput { get; }

    /// <summary>Whether the rule can fold in <paramref name="pending"/>, the gradient waiting for that input (its layout, dtype and device).</summary>
    bool CanAccumulate(GradNode node, Tensor pending);

    /// <summary>
    /// As <see cref="ICustomGrad.Backward"/>, except that the gradient returned for input <see cref="AccumulatingInput"/>
    /// is the rule's own plus <paramref name="pending"/>, element by element (each sum rounded once, as the walk's
    /// addition would), in new memory; <paramref name="pending"/> is only read.
    /// </summary>
    Tensor?[] Backward(GradNode node, Tensor gradOutput, Tensor pending);
}

/// <summary>One recorded op: what produced <see cref="Output"/> from <see cref="Inputs"/>.</summary>
public sealed class GradNode
{
    /// <summary>The op.</summary>
    public OpKind Kind { get; }
    /// <summary>The tensors the op read, in its argument order.</summary>
    public Tensor[] Inputs { get; }
    /// <summary>Op-specific data (see <see cref="OpKind"/>).</summary>
    public object? Attr { get; }
    /// <summary>The tensor the op produced.</summary>
    public Tensor Output { get; }

    internal GradNode(OpKind kind, Tensor[] inputs, object? attr, Tensor output)
    {
        Kind = kind;
        Inputs = inputs;
        Attr = attr;
        Output = output;
    }

    /// <inheritdoc />
    public override string ToString() => Kind == OpKind.Custom ? Attr?.GetType().Name ?? "custom" : Kind.ToString();
}
