using GsdmCore.Backends.Cuda.Kernels;
using GsdmCore.Backends.Cuda.Memory;
using ILGPU;
using ILGPU.Runtime;

namespace GsdmCore.Backends.Cuda;

public sealed partial class CudaBackend
{
    /// <inheritdoc />
    public override void Unary(UnaryOp op, IBuffer x, Layout xl, IBuffer y)
    {
        var (bx, by) = (Cast(x), Cast(y));
        string name = op.ToString().ToLowerInvariant();
        lock (_gate)
        {
            Bind();
            switch (bx.DType)
            {
                case DType.F32: UnaryT<float, F32Ops>(name, (int)op, bx, xl, by); break;
                case DType.F64: UnaryT<double, F64Ops>(name, (int)op, bx, xl, by); break;
                default: throw FloatOnly(name);
            }
        }
    }

    private void UnaryT<T, TOps>(string name, int op, CudaBuffer x, Layout xl, CudaBuffer y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var plan = ElementwisePlan.Build(name, xl.Shape, [xl]);
        if (plan.Count == 0) return;
        Action<Index1D, ArrayView<T>, Strides8, Dims8, int, int, ArrayView<T>> kernel = UnaryKernels.Unary<T, TOps>;
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(
            plan.Count, x.View<T>(), plan.Operands[0], plan.Dims, Flag(plan.Contiguous), op, y.View<T>());
    }

    /// <inheritdoc />
    public override void Clamp(IBuffer x, Layout xl, double lo, double hi, IBuffer y)
    {
        var (bx, by) = (Cast(x), Cast(y));
        lock (_gate)
        {
            Bind();
            switch (bx.DType)
            {
                case DType.F32: ClampT<float, F32Ops>(bx, xl, (float)lo, (float)hi, by); break;
                case DType.F64: ClampT<double, F64Ops>(bx, xl, lo, hi, by); break;
                default: throw FloatOnly("clamp");
            }
        }
    }

    private void ClampT<T, TOps>(CudaBuffer x, Layout xl, T lo, T hi, CudaBuffer y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var plan = ElementwisePlan.Build("clamp", xl.Shape, [xl]);
        if (plan.Count == 0) return;
        Action<Index1D, ArrayView<T>, Strides8, Dims8, int, T, T, ArrayView<T>> kernel = UnaryKernels.Clamp<T, TOps>;
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(
            plan.Count, x.View<T>(), plan.Operands[0], plan.Dims, Flag(plan.Contiguous), lo, hi, y.View<T>());
    }

    /// <inheritdoc />
    public override void Binary(BinaryOp op, IBuffer a, Layout al, IBuffer b, Layout bl, IBuffer y)
    {
        var (ba, bb, by) = (Cast(a), Cast(b), Cast(y));
        string name = op.ToString().ToLowerInvariant();
        lock (_gate)
        {
            Bind();
            switch (ba.DType)
            {
                case DType.F32: BinaryT<float, F32Ops>(name, (int)op, ba, al, bb, bl, by); break;
                case DType.F64: BinaryT<double, F64Ops>(name, (int)op, ba, al, bb, bl, by); break;
                default: throw FloatOnly(name);
            }
        }
    }

    private void BinaryT<T, TOps>(string name, int op, CudaBuffer a, Layout al, CudaBuffer b, Layout bl, CudaBuffer y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var plan = ElementwisePlan.Build(name, al.Shape, [al, bl]);
        if (plan.Count == 0) return;
        Action<Index1D, ArrayView<T>, Strides8, ArrayView<T>, Strides8, Dims8, int, int, ArrayView<T>> kernel = BinaryKernels.Binary<T, TOps>;
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(
            plan.Count, a.View<T>(), plan.Operands[0], b.View<T>(), plan.Operands[1], plan.Dims, Flag(plan.Contiguous), op, y.View<T>());
    }

    /// <inheritdoc />
    public override void Where(IBuffer cond, Layout cl, IBuffer a, Layout al, IBuffer b, Layout bl, IBuffer y)
    {
        var (bc, ba, bb, by) = (Cast(cond), Cast(a), Cast(b), Cast(y));
        lock (_gate)
        {
            Bind();
            switch (ba.DType)
            {
                case DType.F32: WhereT<float, F32Ops>(bc, cl, ba, al, bb, bl, by); break;
                case DType.F64: WhereT<double, F64Ops>(bc, cl, ba, al, bb, bl, by); break;
                default: throw FloatOnly("where");
            }
        }
    }

    private void WhereT<T, TOps>(CudaBuffer c, Layout cl, CudaBuffer a, Layout al, CudaBuffer b, Layout bl, CudaBuffer y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var plan = ElementwisePlan.Build("where", cl.Shape, [cl, al, bl]);
        if (plan.Count == 0) return;
        Action<Index1D, ArrayView<T>, Strides8, ArrayView<T>, Strides8, ArrayView<T>, Strides8, Dims8, int, ArrayView<T>> kernel = BinaryKernels.Where<T, TOps>;
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(
            plan.Count, c.View<T>(), plan.Operands[0], a.View<T>(), plan.Operands[1], b.View<T>(), plan.Operands[2],
            plan.Dims, Flag(plan.Contiguous), y.View<T>());
    }
}
