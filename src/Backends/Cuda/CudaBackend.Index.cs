using GsdmCore.Backends.Cuda.Kernels;
using GsdmCore.Backends.Cuda.Memory;
using ILGPU;
using ILGPU.Runtime;

namespace GsdmCore.Backends.Cuda;

public sealed partial class CudaBackend
{
    private CudaBuffer? _firstBad;

    /// <inheritdoc />
    public override void IndexSelect(IBuffer src, int outer, int n, int inner, IBuffer idx, int m, IBuffer dst)
    {
        var (s, ix, d) = (Cast(src), Cast(idx), Cast(dst));
        lock (_gate)
        {
            Bind();
            CheckIndices("index_select", ix, m, n);
            int count = outer * m * inner;
            if (count == 0) return;
            switch (s.DType)
            {
                case DType.F32: Launch<float>(IndexKernels.IndexSelect<float>, count, s, n, inner, ix, m, d); break;
                case DType.F64: Launch<double>(IndexKernels.IndexSelect<double>, count, s, n, inner, ix, m, d); break;
                default: Launch<int>(IndexKernels.IndexSelect<int>, count, s, n, inner, ix, m, d); break;
            }
        }
    }

    /// <inheritdoc />
    public override void IndexAdd(IBuffer dst, int outer, int n, int inner, IBuffer idx, int m, IBuffer src)
    {
        var (d, ix, s) = (Cast(dst), Cast(idx), Cast(src));
        lock (_gate)
        {
            Bind();
            CheckIndices("index_add", ix, m, n);
            int count = outer * m * inner;
            if (count == 0) return;
            switch (d.DType)
            {
                case DType.F32: Launch<float>(IndexKernels.IndexAdd<float, F32Ops>, count, d, n, inner, ix, m, s); break;
                case DType.F64: Launch<double>(IndexKernels.IndexAdd<double, F64Ops>, count, d, n, inner, ix, m, s); break;
                default: Launch<int>(IndexKernels.IndexAdd<int, I32Ops>, count, d, n, inner, ix, m, s); break;
            }
        }
    }

    /// <inheritdoc />
    public override void Gather(IBuffer src, int outer, int n, int inner, IBuffer idx, int m, IBuffer dst)
    {
        var (s, ix, d) = (Cast(src), Cast(idx), Cast(dst));
        lock (_gate)
        {
            Bind();
            int count = outer * m * inner;
            CheckIndices("gather", ix, count, n);
            if (count == 0) return;
            switch (s.DType)
            {
                case DType.F32: Launch<float>(IndexKernels.Gather<float>, count, s, n, inner, ix, m, d); break;
                case DType.F64: Launch<double>(IndexKernels.Gather<double>, count, s, n, inner, ix, m, d); break;
                default: Launch<int>(IndexKernels.Gather<int>, count, s, n, inner, ix, m, d); break;
            }
        }
    }

    /// <inheritdoc />
    public override void ScatterAdd(IBuffer dst, int outer, int n, int inner, IBuffer idx, int m, IBuffer src)
    {
        var (d, ix, s) = (Cast(dst), Cast(idx), Cast(src));
        lock (_gate)
        {
            Bind();
            int count = outer * m * inner;
            CheckIndices("scatter_add", ix, count, n);
            if (count == 0) return;
            switch (d.DType)
            {
                case DType.F32: Launch<float>(IndexKernels.ScatterAdd<float, F32Ops>, count, d, n, inner, ix, m, s); break;
                case DType.F64: Launch<double>(IndexKernels.ScatterAdd<double, F64Ops>, count, d, n, inner, ix, m, s); break;
                default: Launch<int>(IndexKernels.ScatterAdd<int, I32Ops>, count, d, n, inner, ix, m, s); break;
            }
        }
    }

    /// <summary>Launches one of the index kernels, which all share the signature (view, n, inner, idx, m, view).</summary>
    private void Launch<T>(Action<Index1D, ArrayView<T>, int, int, ArrayView<int>, int, ArrayView<T>> kernel,
        int count, CudaBuffer first, int n, int inner, CudaBuffer idx, int m, CudaBuffer second) where T : unmanaged
    {
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(
            count, first.View<T>(), n, inner, idx.View<int>(), m, second.View<T>());
    }

    /// <summary>
    /// Raises the CPU backend's <see cref="TensorIndexException"/> (same message, first bad position) when any of
    /// idx[0..count) is outside [0, n). A device pass finds the first bad position; only then are values read
    /// back. Waits for the queue: index ops cost one host round trip.
    /// </summary>
    private void CheckIndices(string op, CudaBuffer idx, int count, int n)
    {
        if (count == 0) return;
        if (idx.DType != DType.I32) throw new TensorDTypeException(op, $"indices must be I32, got {idx.DType}.");
        _firstBad ??= (CudaBuffer)Allocate(1, DType.I32);
        var flag = _firstBad.View<int>();
        ReadOnlySpan<int> none = [int.MaxValue];
        flag.CopyFromCPU(_acc.DefaultStream, none);
        Action<Index1D, ArrayView<int>, int, ArrayView<int>> kernel = IndexKernels.FirstOutOfRange;
        Kernels.Get(kernel, () => _acc.LoadAutoGroupedStreamKernel(kernel))(count, idx.View<int>(), n, flag);
        Span<int> position = stackalloc int[1];
        flag.CopyToCPU(_acc.DefaultStream, position);
        _acc.DefaultStream.Synchronize();
        if (position[0] == int.MaxValue) return;
        Span<int> value = stackalloc int[1];
        idx.View<int>().SubView(position[0], 1).CopyToCPU(_acc.DefaultStream, value);
        _acc.DefaultStream.Synchronize();
        throw new TensorIndexException(op, $"index {value[0]} at position {position[0]} is out of range for an axis of size {n}; valid indices are 0..{n - 1}.");
    }
}
