using GsdmCore.Backends.Cuda.Kernels;
using GsdmCore.Backends.Cuda.Memory;
using ILGPU;
using ILGPU.Runtime;

namespace GsdmCore.Backends.Cuda;

public sealed partial class CudaBackend
{
    /// <inheritdoc />
    public override void DenseAttentionForward(in DenseAttentionDims d,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer o, Layout ol, IBuffer? probs)
    {
        var dims = d;
        var (bq, bk, bv, bo) = (Cast(q), Cast(k), Cast(v), Cast(o));
        var bp = probs == null ? null : Cast(probs);
        var st = new FourHeads(new(ql), new(kl), new(vl), new(ol));
        lock (_gate)
        {
            Bind();
            int rows = dims.Batch * dims.Heads * dims.Nodes;
            if (rows == 0) return;
            // Without probabilities to keep, the kernel still needs the [B*H, N, N] values as scratch.
            using var scratch = bp == null ? (CudaBuffer)Allocate(rows * dims.Nodes, bq.DType) : null;
            var p = bp ?? scratch!;
            switch (bq.DType)
            {
                case DType.F32: DenseForward<float, F32Ops>(rows, new(dims.Heads, dims.Nodes, dims.HeadDim, 0, (float)dims.Scale), bq, bk, bv, bo, p, st); break;
                case DType.F64: DenseForward<double, F64Ops>(rows, new(dims.Heads, dims.Nodes, dims.HeadDim, 0, dims.Scale), bq, bk, bv, bo, p, st); break;
                default: throw FloatOnly("dense_attention");
            }
        }
    }

    private void DenseForward<T, TOps>(int rows, AttentionArgs<T> a,
        CudaBuffer q, CudaBuffer k, CudaBuffer v, CudaBuffer o, CudaBuffer p, FourHeads st)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        Action<Index1D, AttentionArgs<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, FourHeads> kernel =
            DenseAttentionKernels.Forward<T, TOps>;
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(
            rows, a, q.View<T>(), k.View<T>(), v.View<T>(), o.View<T>(), p.View<T>(), st);
    }

    /// <inheritdoc />
    public override void DenseAttentionBackward(in DenseAttentionDims d,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer dO, Layout dOl, IBuffer probs,
        IBuffer? dq, Layout dql, IBuffer? dk, Layout dkl, IBuffer? dv, Layout dvl)
    {
        var dims = d;
        var (bq, bk, bv, bdO, bp) = (Cast(q), Cast(k), Cast(v), Cast(dO), Cast(probs));
        // An absent target is given a stand-in buffer the kernel never writes (its flag is 0).
        var (bdq, bdk, bdv) = (dq == null ? null : Cast(dq), dk == null ? null : Cast(dk), dv == null ? null : Cast(dv));
        var rowsStrides = new FourHeads(new(kl), new(vl), new(dOl), new(dq == null ? ql : dql));
        var colStrides = new FourHeads(new(ql), new(dOl), new(dk == null ? ql : dkl), new(dv == null ? ql : dvl));
        lock (_gate)
        {
            Bind();
            int rows = dims.Batch * dims.Heads * dims.Nodes;
            if (rows == 0) return;
            using var ds = (CudaBuffer)Allocate(rows * dims.Nodes, bq.DType);
            switch (bq.DType)
            {
                case DType.F32:
                    DenseBackward<float, F32Ops>(rows, dims, (float)dims.Scale, bq, bk, bv, bdO, bp, ds, bdq, bdk, bdv, rowsStrides, colStrides);
                    break;
                case DType.F64:
                    DenseBackward<double, F64Ops>(rows, dims, dims.Scale, bq, bk, bv, bdO, bp, ds, bdq, bdk, bdv, rowsStrides, colStrides);
                    break;
                default: throw FloatOnly("dense_attention_backward");
            }
        }
    }

    private void DenseBackward<T, TOps>(int rows, DenseAttentionDims d, T scale,
        CudaBuffer q, CudaBuffer k, CudaBuffer v, CudaBuffer dO, CudaBuffer p, CudaBuffer ds,
        CudaBuffer? dq, CudaBuffer? dk, CudaBuffer? dv, FourHeads rowsStrides, FourHeads colStrides)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        if (dq != null || dk != null)
        {
            Action<Index1D, AttentionArgs<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, FourHeads> byRow =
                DenseAttentionKernels.BackwardRows<T, TOps>;
            Kernels.Get(byRow, () => _acc.LoadAutoGroupedStreamKernel(byRow))(
                rows, new AttentionArgs<T>(d.Heads, d.Nodes, d.HeadDim, 0, scale, dq == null ? 0 : 1),
                k.View<T>(), v.View<T>(), dO.View<T>(), p.View<T>(), ds.View<T>(), (dq ?? ds).View<T>(), rowsStrides);
        }
        if (dk == null && dv == null) return;
        Action<Index1D, AttentionArgs<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, FourHeads> byColumn =
            DenseAttentionKernels.BackwardColumns<T, TOps>;
        Kernels.Get(byColumn, () => _acc.LoadAutoGroupedStreamKernel(byColumn))(
            rows, new AttentionArgs<T>(d.Heads, d.Nodes, d.HeadDim, 0, scale, dk == null ? 0 : 1, dv == null ? 0 : 1),
            q.View<T>(), dO.View<T>(), p.View<T>(), ds.View<T>(), (dk ?? ds).View<T>(), (dv ?? ds).View<T>(), colStrides);
    }
}
