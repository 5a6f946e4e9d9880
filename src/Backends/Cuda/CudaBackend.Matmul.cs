using GsdmCore.Backends.Cuda.Kernels;
using GsdmCore.Backends.Cuda.Memory;
using ILGPU;
using ILGPU.Runtime;

namespace GsdmCore.Backends.Cuda;

public sealed partial class CudaBackend
{
    private const int MaxGridZ = 65535;

    /// <inheritdoc />
    public override void Matmul(IBuffer a, IBuffer b, IBuffer c, in MatmulDims d)
    {
        var (ba, bb, bc) = (Cast(a), Cast(b), Cast(c));
        if (!ba.DType.IsFloat()) throw FloatOnly("matmul");
        if (d.Batch == 0 || d.M == 0 || d.N == 0) return;
        lock (_gate)
        {
            Bind();
            var cublas = CuBlasOrNull();
            if (cublas != null) cublas.Gemm(ba, bb, bc, d);
            else if (ba.DType == DType.F32) TiledGemm<float, F32Ops>(ba, bb, bc, d);
            else TiledGemm<double, F64Ops>(ba, bb, bc, d);
        }
    }

    private void TiledGemm<T, TOps>(CudaBuffer a, CudaBuffer b, CudaBuffer c, MatmulDims d)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int tile = 16;
        while (tile > 1 && tile * tile > _acc.MaxNumThreadsPerGroup) tile /= 2;
        Action<ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArgs> kernel = GemmKernels.Tiled<T, TOps>;
        var launch = Kernels.Get(kernel, () => _acc.LoadStreamKernel(kernel));
        var args = new GemmArgs
        {
            M = d.M, N = d.N, K = d.K, TransA = Flag(d.TransA), TransB = Flag(d.TransB),
            Lda = d.Lda, Ldb = d.Ldb, Ldc = d.Ldc, OffsetA = d.OffsetA, OffsetB = d.OffsetB, OffsetC = d.OffsetC,
            StrideA = d.StrideA, StrideB = d.StrideB, StrideC = d.StrideC, Accumulate = Flag(d.Accumulate),
        };
        for (int start = 0; start < d.Batch; start += MaxGridZ)
        {
            args.BatchStart = start;
            var grid = new Index3D((d.N + tile - 1) / tile, (d.M + tile - 1) / tile, Math.Min(MaxGridZ, d.Batch - start));
            var config = new KernelConfig(grid, new Index3D(tile, tile, 1), SharedMemoryConfig.RequestDynamic<T>(2 * tile * tile));
            launch(config, a.View<T>(), b.View<T>(), c.View<T>(), args);
        }
    }
}
