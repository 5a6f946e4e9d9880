using GsdmCore.Backends.Cuda.Kernels;
using GsdmCore.Backends.Cuda.Memory;
using ILGPU;
using ILGPU.Runtime;

namespace GsdmCore.Backends.Cuda;

public sealed partial class CudaBackend
{
    /// <inheritdoc />
    public override void SparseAttentionForward(in SparseAttentionDims d, in SparseGraphBuffers graph,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer o, Layout ol, IBuffer? probs)
    {
        var dims = d;
        var (bq, bk, bv, bo) = (Cast(q), Cast(k), Cast(v), Cast(o));
        var (rp, cs) = (Cast(graph.RowPointers), Cast(graph.Columns));
        var bp = probs == null ? null : Cast(probs);
        var st = new FourHeads(new(ql), new(kl), new(vl), new(ol));
        lock (_gate)
        {
            Bind();
            int rows = dims.Batch * dims.Heads * dims.Nodes;
            if (rows == 0) return;
            // Without probabilities to keep, the kernel still needs one value per edge as scratch.
            using var scratch = bp == null ? (CudaBuffer)Allocate(Math.Max(1, dims.Batch * dims.Heads * dims.Edges), bq.DType) : null;
            var p = bp ?? scratch!;
            switch (bq.DType)
            {
                case DType.F32: AttentionForward<float, F32Ops>(rows, new(dims.Heads, dims.Nodes, dims.HeadDim, dims.Edges, (float)dims.Scale), rp, cs, bq, bk, bv, bo, p, st); break;
                case DType.F64: AttentionForward<double, F64Ops>(rows, new(dims.Heads, dims.Nodes, dims.HeadDim, dims.Edges, dims.Scale), rp, cs, bq, bk, bv, bo, p, st); break;
                default: throw FloatOnly("sparse_attention");
            }
        }
    }

    private void AttentionForward<T, TOps>(int rows, AttentionArgs<T> a, CudaBuffer rp, CudaBuffer cs,
        CudaBuffer q, CudaBuffer k, CudaBuffer v, CudaBuffer o, CudaBuffer p, FourHeads st)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        Action<Index1D, AttentionArgs<T>, ArrayView<int>, ArrayView<int>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, FourHeads> kernel =
            SparseAttentionKernels.Forward<T, TOps>;
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(
            rows, a, rp.View<int>(), cs.View<int>(), q.View<T>(), k.View<T>(), v.View<T>(), o.View<T>(), p.View<T>(), st);
    }

    /// <inheritdoc />
    public override void SparseAttentionBackward(in SparseAttentionDims d, in SparseGraphBuffers graph,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer dO, Layout dOl, IBuffer probs,
        IBuffer? dq, Layout dql, IBuffer? dk, Layout dkl, IBuffer? dv, Layout dvl)
    {
        var dims = d;
        var (bq, bk, bv, bdO, bp) = (Cast(q), Cast(k), Cast(v), Cast(dO), Cast(probs));
        var g = graph;
        // An absent target is given a stand-in buffer the kernel never writes (its flag is 0).
        var (bdq, bdk, bdv) = (dq == null ? null : Cast(dq), dk == null ? null : Cast(dk), dv == null ? null : Cast(dv));
        var rowsStrides = new FourHeads(new(kl), new(vl), new(dOl), new(dq == null ? ql : dql));
        var colStrides = new FourHeads(new(ql), new(dOl), new(dk == null ? ql : dkl), new(dv == null ? ql : dvl));
        lock (_gate)
        {
            Bind();
            int rows = dims.Batch * dims.Heads * dims.Nodes;
            if (rows == 0) return;
            using var ds = (CudaBuffer)Allocate(Math.Max(1, dims.Batch * dims.Heads * dims.Edges), bq.DType);
            switch (bq.DType)
            {
                case DType.F32:
                    AttentionBackward<float, F32Ops>(rows, dims, (float)dims.Scale, g, bq, bk, bv, bdO, bp, ds, bdq, bdk, bdv, rowsStrides, colStrides);
                    break;
                case DType.F64:
                    AttentionBackward<double, F64Ops>(rows, dims, dims.Scale, g, bq, bk, bv, bdO, bp, ds, bdq, bdk, bdv, rowsStrides, colStrides);
                    break;
                default: throw FloatOnly("sparse_attention_backward");
            }
        }
    }

    private void AttentionBackward<T, TOps>(int rows, SparseAttentionDims d, T scale, SparseGraphBuffers g,
        CudaBuffer q, CudaBuffer k, CudaBuffer v, CudaBuffer dO, CudaBuffer p, CudaBuffer ds,
        CudaBuffer? dq, CudaBuffer? dk, CudaBuffer? dv, FourHeads rowsStrides, FourHeads colStrides)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        Action<Index1D, AttentionArgs<T>, ArrayView<int>, ArrayView<int>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, FourHeads> byRow =
            SparseAttentionKernels.BackwardRows<T, TOps>;
        Kernels.Get(byRow, () => _acc.LoadAutoGroupedStreamKernel(byRow))(
            rows, new AttentionArgs<T>(d.Heads, d.Nodes, d.HeadDim, d.Edges, scale, dq == null ? 0 : 1),
            Cast(g.RowPointers).View<int>(), Cast(g.Columns).View<int>(), k.View<T>(), v.View<T>(), dO.View<T>(), p.View<T>(), ds.View<T>(),
            (dq ?? ds).View<T>(), rowsStrides);
        if (dk == null && dv == null) return;
        Action<Index1D, AttentionArgs<T>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, FourHeads> byColumn =
            SparseAttentionKernels.BackwardColumns<T, TOps>;
        Kernels.Get(byColumn, () => _acc.LoadAutoGroupedStreamKernel(byColumn))(
            rows, new AttentionArgs<T>(d.Heads, d.Nodes, d.HeadDim, d.Edges, scale, dk == null ? 0 : 1, dv == null ? 0 : 1),
            Cast(g.ColumnPointers).View<int>(), Cast(g.ColumnEdges).View<int>(), Cast(g.EdgeRows).View<int>(),
            q.View<T>(), dO.View<T>(), p.View<T>(), ds.View<T>(), (dk ?? ds).View<T>(), (dv ?? ds).View<T>(), colStrides);
    }

    /// <inheritdoc />
    public override void GroupNormForward(in GroupNormDims d, IBuffer x, int xOffset, IBuffer? weight, IBuffer? bias,
        IBuffer y, IBuffer mean, IBuffer rstd)
    {
        var dims = d;
        var (bx, by, bm, br) = (Cast(x), Cast(y), Cast(mean), Cast(rstd));
        var (bw, bb) = (weight == null ? null : Cast(weight), bias == null ? null : Cast(bias));
        lock (_gate)
        {
            Bind();
            switch (bx.DType)
            {
                case DType.F32: NormForward<float, F32Ops>(dims, (float)dims.Eps, bx, xOffset, bw, bb, by, bm, br); break;
                case DType.F64: NormForward<double, F64Ops>(dims, dims.Eps, bx, xOffset, bw, bb, by, bm, br); break;
                default: throw FloatOnly("group_norm");
            }
        }
    }

    private void NormForward<T, TOps>(GroupNormDims d, T eps, CudaBuffer x, int xOff, CudaBuffer? w, CudaBuffer? b,
        CudaBuffer y, CudaBuffer mean, CudaBuffer rstd)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int items = d.Batch * d.Groups, count = d.Batch * d.Nodes * d.Channels;
        if (items == 0) return;
        Action<Index1D, ArrayView<T>, int, int, int, int, T, ArrayView<T>, ArrayView<T>> stats = GroupNormKernels.Stats<T, TOps>;
        Kernels.Get(stats, () => _acc.LoadAutoGroupedStreamKernel(stats))(
            items, x.View<T>(), xOff, d.Nodes, d.Channels, d.Groups, eps, mean.View<T>(), rstd.View<T>());
        if (count == 0) return;
        Action<Index1D, ArrayView<T>, int, int, int, int, ArrayView<T>, ArrayView<T>, int, ArrayView<T>, ArrayView<T>, int, ArrayView<T>> normalize =
            GroupNormKernels.Normalize<T, TOps>;
        Kernels.Get(normalize, () => _acc.LoadAutoGroupedStreamKernel(normalize))(
            count, x.View<T>(), xOff, d.Nodes, d.Channels, d.Groups, mean.View<T>(), rstd.View<T>(),
            Flag(w != null), (w ?? mean).View<T>(), (b ?? mean).View<T>(), Flag(d.Silu), y.View<T>());
    }

    /// <inheritdoc />
    public override void GroupNormBackward(in GroupNormDims d, IBuffer x, int xOffset, IBuffer dy, int dyOffset, IBuffer? weight,
        IBuffer? bias, IBuffer mean, IBuffer rstd, IBuffer? dx, IBuffer? dw, IBuffer? db)
    {
        var dims = d;
        var (bx, bdy, bm, br) = (Cast(x), Cast(dy), Cast(mean), Cast(rstd));
        var (bw, bb) = (weight == null ? null : Cast(weight), bias == null ? null : Cast(bias));
        var (bdx, bdw, bdb) = (dx == null ? null : Cast(dx), dw == null ? null : Cast(dw), db == null ? null : Cast(db));
        lock (_gate)
        {
            Bind();
            switch (bx.DType)
            {
                case DType.F32: NormBackward<float, F32Ops>(dims, bx, xOffset, bdy, dyOffset, bw, bb, bm, br, bdx, bdw, bdb); break;
                case DType.F64: NormBackward<double, F64Ops>(dims, bx, xOffset, bdy, dyOffset, bw, bb, bm, br, bdx, bdw, bdb); break;
                default: throw FloatOnly("group_norm_backward");
            }
        }
    }

    private void NormBackward<T, TOps>(GroupNormDims d, CudaBuffer x, int xOff, CudaBuffer dy, int dyOff, CudaBuffer? w, CudaBuffer? b,
        CudaBuffer mean, CudaBuffer rstd, CudaBuffer? dx, CudaBuffer? dw, CudaBuffer? db)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int items = d.Batch * d.Groups, count = d.Batch * d.Nodes * d.Channels;
        // With SiLU fused, dy becomes dz = dy SiLU'(z) first; the group-norm backward below then reads dz.
        using var dz = d.Silu && count > 0 ? (CudaBuffer)Allocate(count, x.DType) : null;
        if (dz != null)
        {
            Action<Index1D, ArrayView<T>, int, ArrayView<T>, int, int, int, int, ArrayView<T>, ArrayView<T>, int, ArrayView<T>, ArrayView<T>, ArrayView<T>> silu =
                GroupNormKernels.SiluGradient<T, TOps>;
            Kernels.Get(silu, () => _acc.LoadAutoGroupedStreamKernel(silu))(
                count, x.View<T>(), xOff, dy.View<T>(), dyOff, d.Nodes, d.Channels, d.Groups, mean.View<T>(), rstd.View<T>(),
                Flag(w != null), (w ?? mean).View<T>(), (b ?? mean).View<T>(), dz.View<T>());
            (dy, dyOff) = (dz, 0);
        }
        if (dx != null && count > 0)
        {
            using var sums = (CudaBuffer)Allocate(Math.Max(1, 2 * items), x.DType);
            Action<Index1D, ArrayView<T>, int, ArrayView<T>, int, int, int, int, ArrayView<T>, ArrayView<T>, int, ArrayView<T>, ArrayView<T>> partial =
                GroupNormKernels.BackwardSums<T, TOps>;
            Kernels.Get(partial, () => _acc.LoadAutoGroupedStreamKernel(partial))(
                items, x.View<T>(), xOff, dy.View<T>(), dyOff, d.Nodes, d.Channels, d.Groups, mean.View<T>(), rstd.View<T>(),
                Flag(w != null), (w ?? mean).View<T>(), sums.View<T>());
            Action<Index1D, ArrayView<T>, int, ArrayView<T>, int, int, int, int, ArrayView<T>, ArrayView<T>, int, ArrayView<T>, ArrayView<T>, ArrayView<T>> input =
                GroupNormKernels.BackwardInput<T, TOps>;
            Kernels.Get(input, () => _acc.LoadAutoGroupedStreamKernel(input))(
                count, x.View<T>(), xOff, dy.View<T>(), dyOff, d.Nodes, d.Channels, d.Groups, mean.View<T>(), rstd.View<T>(),
                Flag(w != null), (w ?? mean).View<T>(), sums.View<T>(), dx.View<T>());
        }
        if ((dw == null && db == null) || d.Channels == 0) return;
        Action<Index1D, ArrayView<T>, int, ArrayView<T>, int, int, int, int, int, ArrayView<T>, ArrayView<T>, int, ArrayView<T>, int, ArrayView<T>> parameters =
            GroupNormKernels.BackwardParams<T, TOps>;
        Kernels.Get(parameters, () => _acc.LoadAutoGroupedStreamKernel(parameters))(
            d.Channels, x.View<T>(), xOff, dy.View<T>(), dyOff, d.Batch, d.Nodes, d.Channels, d.Groups, mean.View<T>(), rstd.View<T>(),
            Flag(dw != null), (dw ?? mean).View<T>(), Flag(db != null), (db ?? mean).View<T>());
    }

    /// <inheritdoc />
    public override void AdamStep(in AdamCoefficients c, IBuffer param, int paramOffset, IBuffer grad, int gradOffset,
        IBuffer m, IBuffer v, int count)
    {
        var k = c;
        var (bp, bg, bm, bv) = (Cast(param), Cast(grad), Cast(m), Cast(v));
        lock (_gate)
        {
            Bind();
            if (count == 0) return;
            switch (bp.DType)
            {
                case DType.F32:
                {
                    float b1 = (float)k.Beta1, b2 = (float)k.Beta2;
                    var s = new AdamScalars<float>(b1, b2, 1f - b1, 1f - b2, (float)k.Eps, (float)k.StepSize, (float)k.InvSqrtBc2, (float)k.L2, 1f - (float)k.Decay);
                    Adam<float, F32Ops>(count, s, bp, paramOffset, bg, gradOffset, bm, bv);
                    break;
                }
                case DType.F64:
                {
                    var s = new AdamScalars<double>(k.Beta1, k.Beta2, 1 - k.Beta1, 1 - k.Beta2, k.Eps, k.StepSize, k.InvSqrtBc2, k.L2, 1 - k.Decay);
                    Adam<double, F64Ops>(count, s, bp, paramOffset, bg, gradOffset, bm, bv);
                    break;
                }
                default: throw FloatOnly("adam");
            }
        }
    }

    /// <inheritdoc />
    public override void MovingAverageStep(IBuffer shadow, IBuffer value, int valueOffset, int count, double decay)
    {
        var (bs, bv) = (Cast(shadow), Cast(value));
        lock (_gate)
        {
            Bind();
            if (count == 0) return;
            switch (bs.DType)
            {
                case DType.F32: MovingAverage<float, F32Ops>(count, (float)decay, (float)(1 - decay), bs, bv, valueOffset); break;
                case DType.F64: MovingAverage<double, F64Ops>(count, decay, 1 - decay, bs, bv, valueOffset); break;
                default: throw FloatOnly("moving_average");
            }
        }
    }

    private void MovingAverage<T, TOps>(int count, T decay, T rest, CudaBuffer shadow, CudaBuffer value, int valueOffset)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        Action<Index1D, T, T, ArrayView<T>, ArrayView<T>, int> kernel = MovingAverageKernels.Step<T, TOps>;
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(count, decay, rest, shadow.View<T>(), value.View<T>(), valueOffset);
    }

    private void Adam<T, TOps>(int count, AdamScalars<T> s, CudaBuffer p, int pOff, CudaBuffer g, int gOff, CudaBuffer m, CudaBuffer v)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        Action<Index1D, AdamScalars<T>, ArrayView<T>, int, ArrayView<T>, int, ArrayView<T>, ArrayView<T>> kernel = AdamKernels.Step<T, TOps>;
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(count, s, p.View<T>(), pOff, g.View<T>(), gOff, m.View<T>(), v.View<T>());
    }
}
