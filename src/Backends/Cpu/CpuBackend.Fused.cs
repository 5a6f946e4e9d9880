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
        IBuffer? bias, IBuffer mean, IBuffer rstd, IBuffer? dx, IBuffer? dw, IBuffer? db)
    {
        switch (Cast(x).Data)
        {
            case float[] f:
                GroupNormKernels<float>.Backward(f, xOffset, Cast(dy).As<float>(), dyOffset, Optional<float>(weight), Optional<float>(bias), d.Batch, d.Nodes, d.Channels,
                    d.Groups, Cast(mean).As<float>(), Cast(rstd).As<float>(), Optional<float>(dx), Cleared<float>(dw, d.Channels), Cleared<float>(db, d.Channels), d.Silu);
                break;
            case double[] f:
                GroupNormKernels<double>.Backward(f, xOffset, Cast(dy).As<double>(), dyOffset, Optional<double>(weight), Optional<double>(bias), d.Batch, d.Nodes, d.Channels,
                    d.Groups, Cast(mean).As<double>(), Cast(rstd).As<double>(), Optional<double>(dx), Cleared<double>(dw, d.Channels), Cleared<double>(db, d.Channels), d.Silu);
                break;
            default: throw FloatOnly("group_norm_backward");
        }
    }

    /// <inheritdoc />
    public override void AdamStep(in AdamCoefficients c, IBuffer param, int paramOffset, IBuffer grad, int gradOffset,
        IBuffer m, IBuffer v, int count)
    {
        switch (Cast(param).Data)
        {
            case float[] p:
                Adam(c, p, paramOffset, Cast(grad).As<float>(), gradOffset, Cast(m).As<float>(), Cast(v).As<float>(), count);
                break;
            case double[] p:
                Adam(c, p, paramOffset, Cast(grad).As<double>(), gradOffset, Cast(m).As<double>(), Cast(v).As<double>(), count);
                break;
            default: throw FloatOnly("adam");
        }
    }

    /// <inheritdoc />
    public override void MovingAverageStep(IBuffer shadow, IBuffer value, int valueOffset, int count, double decay)
    {
        switch (Cast(shadow).Data)
        {
            case float[] s:
                MovingAverage(s, Cast(value).As<float>(), valueOffset, count, (float)decay, (float)(1 - decay));
                break;
            case double[] s:
                MovingAverage(s, Cast(value).As<double>(), valueOffset, count, decay, 1 - decay);
                break;
            default: throw FloatOnly("moving_average");
        }
    }

    // The parameter updates run over parallel chunks of UpdateGrain elements when there are several: each element's
    // arithmetic is the same in any chunk (the vector and scalar paths round alike), so the chunking changes no bits.
    // A parameter of one chunk is updated directly, without the closure a parallel loop allocates.

    /// <summary>Elements per chunk of a parameter update: tens of microseconds of work, enough to pay for a hand-off.</summary>
    private const int UpdateGrain = 16384;

    private static void Adam<T>(in AdamCoefficients c, T[] p, int pOffset, T[] g, int gOffset, T[] m, T[] v, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (count <= UpdateGrain) AdamKernel<T>.Update(p.AsSpan(pOffset, count), g.AsSpan(gOffset, count), m.AsSpan(0, count), v.AsSpan(0, count), c);
        else AdamChunks(c, p, pOffset, g, gOffset, m, v, count);
    }

    private static void AdamChunks<T>(AdamCoefficients c, T[] p, int pOffset, T[] g, int gOffset, T[] m, T[] v, int count)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.For(count, UpdateGrain, (s, e) =>
            AdamKernel<T>.Update(p.AsSpan(pOffset + s, e - s), g.AsSpan(gOffset + s, e - s), m.AsSpan(s, e - s), v.AsSpan(s, e - s), c));

    private static void MovingAverage<T>(T[] shadow, T[] value, int valueOffset, int count, T decay, T rest)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (count <= UpdateGrain) MovingAverage(shadow.AsSpan(0, count), value.AsSpan(valueOffset, count), decay, rest);
        else MovingAverageChunks(shadow, value, valueOffset, count, decay, rest);
    }

    private static void MovingAverageChunks<T>(T[] shadow, T[] value, int valueOffset, int count, T decay, T rest)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.For(count, UpdateGrain, (s, e) => MovingAverage(shadow.AsSpan(s, e - s), value.AsSpan(valueOffset + s, e - s), decay, rest));

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
