using GsdmCore.Backends.Cuda.Kernels;
using GsdmCore.Backends.Cuda.Memory;
using ILGPU;
using ILGPU.Runtime;

namespace GsdmCore.Backends.Cuda;

public sealed partial class CudaBackend
{
    /// <inheritdoc />
    public override void Reduce(ReduceOp op, IBuffer x, Layout xl, int reducedAxes, IBuffer y)
    {
        var (bx, by) = (Cast(x), Cast(y));
        string name = op.ToString().ToLowerInvariant();
        lock (_gate)
        {
            Bind();
            switch (bx.DType)
            {
                case DType.F32: ReduceT<float, F32Ops>(name, op, bx, xl, reducedAxes, by); break;
                case DType.F64: ReduceT<double, F64Ops>(name, op, bx, xl, reducedAxes, by); break;
                default: throw FloatOnly(name);
            }
        }
    }

    private void ReduceT<T, TOps>(string name, ReduceOp op, CudaBuffer x, Layout xl, int reducedAxes, CudaBuffer y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int lead = xl.Rank - reducedAxes;
        int outer = Layout.ShapeCount(xl.Shape.AsSpan(0, lead));
        int length = Layout.ShapeCount(xl.Shape.AsSpan(lead));
        if (outer == 0) return;
        var rows = ElementwisePlan.Leading(name, xl, lead);
        var (group, lanes, grid) = RowLaunch(outer, length);
        var config = new KernelConfig(grid, group);
        if (op is ReduceOp.ArgMax or ReduceOp.ArgMin)
        {
            Action<ArrayView<T>, Strides8, Dims8, int, int, int, int, int, ArrayView<int>> arg = ReduceKernels.ArgReduce<T, TOps>;
            Kernels.Get(arg, () => _acc.LoadStreamKernel(arg))(config,
                x.View<T>(), rows.Operands[0], rows.Dims, xl.Strides[^1], outer, length, lanes, op == ReduceOp.ArgMax ? 0 : 1, y.View<int>());
            return;
        }
        var elems = ElementwisePlan.Trailing(name, xl, lead);
        Action<ArrayView<T>, Strides8, Dims8, Strides8, Dims8, int, int, int, int, int, ArrayView<T>> kernel = ReduceKernels.Reduce<T, TOps>;
        Kernels.Get(kernel, () => _acc.LoadStreamKernel(kernel))(config,
            x.View<T>(), rows.Operands[0], rows.Dims, elems.Operands[0], elems.Dims, Flag(elems.Contiguous),
            outer, length, lanes, (int)op, y.View<T>());
    }

    /// <inheritdoc />
    public override void Softmax(IBuffer x, Layout xl, bool log, IBuffer y)
    {
        var (bx, by) = (Cast(x), Cast(y));
        string name = log ? "log_softmax" : "softmax";
        lock (_gate)
        {
            Bind();
            switch (bx.DType)
            {
                case DType.F32: SoftmaxT<float, F32Ops>(name, bx, xl, log, by); break;
                case DType.F64: SoftmaxT<double, F64Ops>(name, bx, xl, log, by); break;
                default: throw FloatOnly(name);
            }
        }
    }

    private void SoftmaxT<T, TOps>(string name, CudaBuffer x, Layout xl, bool log, CudaBuffer y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int lead = xl.Rank - 1;
        int outer = Layout.ShapeCount(xl.Shape.AsSpan(0, lead));
        int length = xl.Shape[^1];
        if (outer == 0 || length == 0) return;
        var rows = ElementwisePlan.Leading(name, xl, lead);
        var (group, lanes, grid) = RowLaunch(outer, length);
        Action<ArrayView<T>, Strides8, Dims8, int, int, int, int, int, ArrayView<T>> kernel = SoftmaxKernels.Softmax<T, TOps>;
        Kernels.Get(kernel, () => _acc.LoadStreamKernel(kernel))(new KernelConfig(grid, group),
            x.View<T>(), rows.Operands[0], rows.Dims, xl.Strides[^1], outer, length, lanes, Flag(log), y.View<T>());
    }

    /// <summary>
    /// Group shape for row kernels: a power-of-two group (256 threads on a GPU, the most the accelerator
    /// allows otherwise), lanes per row = the row length rounded up to a power of two (at most the group),
    /// group / lanes rows per group.
    /// </summary>
    private (int Group, int Lanes, int Grid) RowLaunch(int outer, int length)
    {
        int group = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Min(ReduceKernels.MaxGroup, _acc.MaxNumThreadsPerGroup) + 1) / 2;
        int lanes = Math.Min(group, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(length, 1)));
        int rowsPerGroup = group / lanes;
        return (group, lanes, (outer + rowsPerGroup - 1) / rowsPerGroup);
    }
}
