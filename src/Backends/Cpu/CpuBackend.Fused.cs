using System.Numerics;
using System.Numerics.Tensors;
namespace GsdmCore.Backends.Cpu;

public sealed partial class CpuBackend
{
    /// <inheritdoc />
    public override void SparseAttentionForward(in SparseAttentionDims d, in SparseGraphBuffers graph,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer o, Layout ol, IBuffer? probs)
    {
        var (rp, cs) = (Cast(graph.RowPointers).As<int>(), Cast(graph.Columns).As<int>());
        switch (Cast(q).Data)
        {
            case float[] f when SparseAttentionHeadGroups.Applies(d.Heads, d.HeadDim,
                SparseAttentionHeadGroups.HeadsSideBySide(kl) && SparseAttentionHeadGroups.HeadsSideBySide(vl)):
                SparseAttentionHeadGroups.Forward(d.Nodes, rp, cs, d.Edges, (float)d.Scale, new(f, ql), Head<float>(k, kl), Head<float>(v, vl),
                    Head<float>(o, ol), d.Batch, d.Heads, probs == null ? null : Cast(probs).As<float>());
                break;
            case float[] f:
                SparseAttentionKernels<float>.Forward(d.Nodes, rp, cs, d.Edges, (float)d.Scale, new(f, ql), Head<float>(k, kl), Head<float>(v, vl),
                    Head<float>(o, ol), d.Batch, d.Heads, d.HeadDim, probs == null ? null : Cast(probs).As<float>());
                break;
            case double[] f:
                SparseAttentionKernels<double>.Forward(d.Nodes, rp, cs, d.Edges, d.Scale, new(f, ql), Head<double>(k, kl), Head<double>(v, vl),
                    Head<double>(o, ol), d.Batch, d.Heads, d.HeadDim, probs == null ? null : Cast(probs).As<double>());
                break;
            default: throw FloatOnly("sparse_attention");
        }
    }

    /// <inheritdoc />
    public override void SparseAttentionBackward(in SparseAttentionDims d, in SparseGraphBuffers graph,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer dO, Layout dOl, IBuffer probs,
        IBuffer? dq, Layout dql, IBuffer? dk, Layout dkl, IBuffer? dv, Layout dvl)
    {
        var (rp, cs) = (Cast(graph.RowPointers).As<int>(), Cast(graph.Columns).As<int>());
        switch (Cast(q).Data)
        {
            case float[] f:
                SparseAttentionKernels<float>.Backward(d.Nodes, rp, cs, d.Edges, (float)d.Scale, new(f, ql), Head<float>(k, kl), Head<float>(v, vl),
                    Head<float>(dO, dOl), Cast(probs).As<float>(), d.Batch, d.Heads, d.HeadDim,
                    OptionalHead<float>(dq, dql), OptionalHead<float>(dk, dkl), OptionalHead<float>(dv, dvl));
                break;
            case double[] f:
                SparseAttentionKernels<double>.Backward(d.Nodes, rp, cs, d.Edges, d.Scale, new(f, ql), Head<double>(k, kl), Head<double>(v, vl),
                    Head<double>(dO, dOl), Cast(probs).As<double>(), d.Batch, d.Heads, d.HeadDim,
                    OptionalHead<double>(dq, dql), OptionalHead<double>(dk, dkl), OptionalHead<double>(dv, dvl));
                break;
            default: throw FloatOnly("sparse_attention_backward");
        }
    }

    /// <inheritdoc />
    public override void DenseAttentionForward(in DenseAttentionDims d,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer o, Layout ol, IBuffer? probs)
    {
        switch (Cast(q).Data)
        {
            case float[] f:
                DenseAttentionKernels<float>.Forward(d.Nodes, d.HeadDim, (float)d.Scale, new(f, ql), Head<float>(k, kl), Head<float>(v, vl),
                    Head<float>(o, ol), d.Batch, d.Heads, probs == null ? null : Cast(probs).As<float>());
                break;
            case double[] f:
                DenseAttentionKernels<double>.Forward(d.Nodes, d.HeadDim, d.Scale, new(f, ql), Head<double>(k, kl), Head<double>(v, vl),
                    Head<double>(o, ol), d.Batch, d.Heads, probs == null ? null : Cast(probs).As<double>());
                break;
            default: throw FloatOnly("dense_attention");
        }
    }

    /// <inheritdoc />
    public override void DenseAttentionBackward(in DenseAttentionDims d,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer dO, Layout dOl, IBuffer probs,
        IBuffer? dq, Layout dql, IBuffer? dk, Layout dkl, IBuffer? dv, Layout dvl)
    {
        switch (Cast(q).Data)
        {
            case float[] f:
                DenseAttentionKernels<float>.Backward(d.Nodes, d.HeadDim, (float)d.Scale, new(f, ql), Head<float>(k, kl), Head<float>(v, vl),
                    Head<float>(dO, dOl), Cast(probs).As<float>(), d.Batch, d.Heads,
                    OptionalHead<float>(dq, dql), OptionalHead<float>(dk, dkl), OptionalHead<float>(dv, dvl));
                break;
            case double[] f:
                DenseAttentionKernels<double>.Backward(d.Nodes, d.HeadDim, d.Scale, new(f, ql), Head<double>(k, kl), Head<double>(v, vl),
                    Head<double>(dO, dOl), Cast(probs).As<double>(), d.Batch, d.Heads,
                    OptionalHead<double>(dq, dql), OptionalHead<double>(dk, dkl), OptionalHead<double>(dv, dvl));
                break;
            default: throw FloatOnly("dense_attention_backward");
        }
    }

    /// <inheritdoc />
    public override void GroupNormForward(in GroupNormDims d, IBuffer x, int xOffset, IBuffer? weight, IBuffer? bias,
        IBuffer y, IBuffer mean, IBuffer rstd)
    {
        switch (Cast(x).Data)
        {
            case float[] f:
                GroupNormKernels<float>.Forward(f, xOffset, Cast(y).As<float>(), Optional<float>(weight), Optional<float>(bias),
                    d.Batch, d.Nodes, d.Channels, d.Groups, (float)d.Eps, Cast(mean).As<float>(), Cast(rstd).As<float>(), d.Silu);
                break;
            case double[] f:
                GroupNormKernels<double>.Forward(f, xOffset, Cast(y).As<double>(), Optional<double>(weight), Optional<double>(bias),
                    d.Batch, d.Nodes, d.Channels, d.Groups, d.Eps, Cast(mean).As<double>(), Cast(rstd).As<double>(), d.Silu);
                break;
            default: throw FloatOnly("group_norm");
        }
    }

    /// <inheritdoc />
    public override void GroupNormBackward(in GroupNormDims d, IBuffer x, int xOffset, IBuffer dy, int dyOffset, IBuffer? weight,
        IBuffer? bias, IBuffer mean, IBuffer rstd, IBuffer? dx, IBuffer? dw, IBuffer? db) =>
        GroupNormBackwardCore(d, x, xOffset, dy, dyOffset, weight, bias, mean, rstd, dx, null, 0, dw, db);

    /// <inheritdoc />
    public override void GroupNormBackwardAdd(in GroupNormDims d, IBuffer x, int xOffset, IBuffer dy, int dyOffset, IBuffer? weight,
        IBuffer? bias, IBuffer mean, IBuffer rstd, IBuffer dx, IBuffer addend, int addendOffset, IBuffer? dw, IBuffer? db) =>
        GroupNormBackwardCore(d, x, xOffset, dy, dyOffset, weight, bias, mean, rstd, dx, addend, addendOffset, dw, db);

    /// <summary>The group norm's backward, dx plus <paramref name="addend"/> when one is given, in the pass that writes dx.</summary>
    private static void GroupNormBackwardCore(in GroupNormDims d, IBuffer x, int xOffset, IBuffer dy, int dyOffset, IBuffer? weight,
        IBuffer? bias, IBuffer mean, IBuffer rstd, IBuffer? dx, IBuffer? addend, int addendOffset, IBuffer? dw, IBuffer? db)
    {
        switch (Cast(x).Data)
        {
            case float[] f:
                GroupNormKernels<float>.Backward(f, xOffset, Cast(dy).As<float>(), dyOffset, Optional<float>(weight), Optional<float>(bias), d.Batch, d.Nodes, d.Channels,
                    d.Groups, Cast(mean).As<float>(), Cast(rstd).As<float>(), Optional<float>(dx), Optional<float>(addend), addendOffset,
                    Cleared<float>(dw, d.Channels), Cleared<float>(db, d.Channels), d.Silu);
                break;
            case double[] f:
                GroupNormKernels<double>.Backward(f, xOffset, Cast(dy).As<double>(), dyOffset, Optional<double>(weight), Optional<double>(bias), d.Batch, d.Nodes, d.Channels,
                    d.Groups, Cast(mean).As<double>(), Cast(rstd).As<double>(), Optional<double>(dx), Optional<double>(addend), addendOffset,
                    Cleared<double>(dw, d.Channels), Cleared<double>(db, d.Channels), d.Silu);
                break;
            default: throw FloatOnly("group_norm_backward");
        }
    }

    /// <inheritdoc />
    public override void AdamStep(in AdamCoefficients c, IBuffer param, int paramOffset, IBuffer grad, int gradOffset,
        IBuffer m, IBuffer v, int count) =>
        AdamSteps(c, [new AdamTarget(param, paramOffset, grad, gradOffset, m, v, count)]);

    /// <inheritdoc />
    public override void MovingAverageStep(IBuffer shadow, IBuffer value, int valueOffset, int count, double decay) =>
        MovingAverageSteps([new MovingAverageTarget(shadow, value, valueOffset, count)], decay);

    /// <summary>Every target's chunks in one parallel loop (<see cref="UpdateChunks"/>).</summary>
    public override void AdamSteps(in AdamCoefficients c, ReadOnlySpan<AdamTarget> targets)
    {
        foreach (var t in targets)
            if (Cast(t.Param).Data is not (float[] or double[])) throw FloatOnly("adam");
        UpdateChunks.Run(targets, new AdamUpdate(c));
    }

    private readonly struct AdamUpdate(AdamCoefficients c) : IChunkUpdate<AdamTarget>
    {
        public int Count(AdamTarget t) => t.Count;

        public void Update(AdamTarget t, int start, int length)
        {
            switch (Cast(t.Param).Data)
            {
                case float[] p: AdamChunk(c, p, t, start, length); break;
                case double[] p: AdamChunk(c, p, t, start, length); break;
            }
        }
    }

    /// <summary>Every target's chunks in one parallel loop (<see cref="UpdateChunks"/>).</summary>
    public override void MovingAverageSteps(ReadOnlySpan<MovingAverageTarget> targets, double decay)
    {
        foreach (var t in targets)
            if (Cast(t.Shadow).Data is not (float[] or double[])) throw FloatOnly("moving_average");
        UpdateChunks.Run(targets, new MovingAverageUpdate(decay));
    }

    private readonly struct MovingAverageUpdate(double decay) : IChunkUpdate<MovingAverageTarget>
    {
        public int Count(MovingAverageTarget t) => t.Count;

        public void Update(MovingAverageTarget t, int start, int length)
        {
            switch (Cast(t.Shadow).Data)
            {
                case float[] s:
                    MovingAverage(s.AsSpan(start, length), Cast(t.Value).As<float>().AsSpan(t.ValueOffset + start, length), (float)decay, (float)(1 - decay));
                    break;
                case double[] s:
                    MovingAverage(s.AsSpan(start, length), Cast(t.Value).As<double>().AsSpan(t.ValueOffset + start, length), decay, 1 - decay);
                    break;
            }
        }
    }

    private static void AdamChunk<T>(in AdamCoefficients c, T[] p, in AdamTarget t, int start, int length)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        AdamKernel<T>.Update(p.AsSpan(t.ParamOffset + start, length), Cast(t.Grad).As<T>().AsSpan(t.GradOffset + start, length),
            Cast(t.M).As<T>().AsSpan(start, length), Cast(t.V).As<T>().AsSpan(start, length), c);

    // shadow = shadow d, then value e + shadow: two roundings of the products and one of the sum, no fused multiply-add.
    private static void MovingAverage<T>(Span<T> shadow, ReadOnlySpan<T> value, T decay, T rest)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Multiply(shadow, decay, shadow);
        TensorPrimitives.MultiplyAdd(value, rest, shadow, shadow);
    }

    private static HeadView<T> Head<T>(IBuffer buffer, Layout layout) where T : unmanaged => new(Cast(buffer).As<T>(), layout);

    private static HeadView<T>? OptionalHead<T>(IBuffer? buffer, Layout layout) where T : unmanaged =>
        buffer == null ? null : Head<T>(buffer, layout);

    private static T[]? Optional<T>(IBuffer? buffer) where T : unmanaged => buffer == null ? null : Cast(buffer).As<T>();

    private static T[]? Cleared<T>(IBuffer? buffer, int count) where T : unmanaged
    {
        if (buffer == null) return null;
        var data = Cast(buffer).As<T>();
        data.AsSpan(0, count).Clear();
        return data;
    }
}
