using GsdmCore.Backends.Cuda.Kernels;
using GsdmCore.Backends.Cuda.Memory;
using ILGPU;
using ILGPU.Runtime;

namespace GsdmCore.Backends.Cuda;

public sealed partial class CudaBackend
{
    /// <inheritdoc />
    public override void Copy(IBuffer src, Layout srcLayout, IBuffer dst, Layout dstLayout)
    {
        var (s, d) = (Cast(src), Cast(dst));
        lock (_gate)
        {
            Bind();
            CopyCore(s, srcLayout, d, dstLayout);
        }
    }

    private void CopyCore(CudaBuffer s, Layout sl, CudaBuffer d, Layout dl)
    {
        switch (s.DType)
        {
            case DType.F32: CopyFrom<float, F32Ops>(s, sl, d, dl); break;
            case DType.F64: CopyFrom<double, F64Ops>(s, sl, d, dl); break;
            default: CopyFrom<int, I32Ops>(s, sl, d, dl); break;
        }
    }

    private void CopyFrom<TS, TSOps>(CudaBuffer s, Layout sl, CudaBuffer d, Layout dl)
        where TS : unmanaged where TSOps : struct, INumberOps<TS>
    {
        switch (d.DType)
        {
            case DType.F32: CopyT<TS, TSOps, float, F32Ops>(s, sl, d, dl); break;
            case DType.F64: CopyT<TS, TSOps, double, F64Ops>(s, sl, d, dl); break;
            default: CopyT<TS, TSOps, int, I32Ops>(s, sl, d, dl); break;
        }
    }

    private void CopyT<TS, TSOps, TD, TDOps>(CudaBuffer s, Layout sl, CudaBuffer d, Layout dl)
        where TS : unmanaged where TSOps : struct, INumberOps<TS> where TD : unmanaged where TDOps : struct, INumberOps<TD>
    {
        var plan = ElementwisePlan.Build("copy", sl.Shape, [sl, dl]);
        if (plan.Count == 0) return;
        if (typeof(TS) == typeof(TD) && plan.Contiguous)
        {
            // Same type, both one unit-stride run: a device memcpy.
            s.View<TD>().SubView(sl.Offset, plan.Count).CopyTo(_acc.DefaultStream, d.View<TD>().SubView(dl.Offset, plan.Count));
            return;
        }
        Action<Index1D, ArrayView<TS>, Strides8, ArrayView<TD>, Strides8, Dims8, int> kernel = CopyKernels.Copy<TS, TSOps, TD, TDOps>;
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(
            plan.Count, s.View<TS>(), plan.Operands[0], d.View<TD>(), plan.Operands[1], plan.Dims, Flag(plan.Contiguous));
    }

    /// <inheritdoc />
    public override void Fill(IBuffer dst, Layout layout, double value)
    {
        var d = Cast(dst);
        lock (_gate)
        {
            Bind();
            switch (d.DType)
            {
                case DType.F32: FillT(d, layout, (float)value); break;
                case DType.F64: FillT(d, layout, value); break;
                default: FillT(d, layout, (int)value); break;
            }
        }
    }

    private void FillT<T>(CudaBuffer d, Layout layout, T value) where T : unmanaged
    {
        var plan = ElementwisePlan.Build("fill", layout.Shape, [layout]);
        if (plan.Count == 0) return;
        if (plan.Contiguous && IsAllZeroBits(value))
        {
            d.View<T>().SubView(layout.Offset, plan.Count).MemSetToZero(_acc.DefaultStream);
            return;
        }
        Action<Index1D, ArrayView<T>, Strides8, Dims8, int, T> kernel = CopyKernels.Fill<T>;
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(
            plan.Count, d.View<T>(), plan.Operands[0], plan.Dims, Flag(plan.Contiguous), value);
    }

    // -0.0 compares equal to 0 but is not all-zero bits.
    private static unsafe bool IsAllZeroBits<T>(T value) where T : unmanaged
    {
        byte* p = (byte*)&value;
        for (int i = 0; i < sizeof(T); i++)
            if (p[i] != 0) return false;
        return true;
    }

    /// <inheritdoc />
    public override void Arange(IBuffer dst, int count, double start, double step)
    {
        var d = Cast(dst);
        if (count <= 0) return;
        lock (_gate)
        {
            Bind();
            switch (d.DType)
            {
                case DType.F32: ArangeT<float, F32Ops>(d, count, start, step); break;
                case DType.F64: ArangeT<double, F64Ops>(d, count, start, step); break;
                default: ArangeT<int, I32Ops>(d, count, start, step); break;
            }
        }
    }

    private void ArangeT<T, TOps>(CudaBuffer d, int count, double start, double step)
        where T : unmanaged where TOps : struct, INumberOps<T>
    {
        Action<Index1D, ArrayView<T>, double, double> kernel = CopyKernels.Arange<T, TOps>;
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(count, d.View<T>(), start, step);
    }

    /// <inheritdoc />
    public override void Random(RandomKind kind, IBuffer dst, int count, ulong seed, ulong offset)
    {
        var d = Cast(dst);
        if (!d.DType.IsFloat()) throw new TensorDTypeException("random", "random fills need a float dtype (F32 or F64).");
        if (count <= 0) return;
        lock (_gate)
        {
            Bind();
            if (d.DType == DType.F32) RandomT<float, F32Ops>(kind, d, count, seed, offset);
            else RandomT<double, F64Ops>(kind, d, count, seed, offset);
        }
    }

    private void RandomT<T, TOps>(RandomKind kind, CudaBuffer d, int count, ulong seed, ulong offset)
        where T : unmanaged where TOps : struct, INumberOps<T>
    {
        Action<Index1D, ArrayView<T>, ulong, ulong, int> kernel = RandomKernels.Fill<T, TOps>;
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(
            count, d.View<T>(), seed, offset, Flag(kind == RandomKind.Normal));
    }
}
