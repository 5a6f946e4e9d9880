using ILGPU;

namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>Arguments of one (batch chunk of a) row-major batched matrix product, element offsets and strides.</summary>
internal struct GemmArgs
{
    public int M, N, K;
    public int TransA, TransB;
    public int Lda, Ldb, Ldc;
    public int OffsetA, OffsetB, OffsetC;
    public long StrideA, StrideB, StrideC;
    public int BatchStart;
    /// <summary>1: C += the product; 0: C = the product.</summary>
    public int Accumulate;
}

/// <summary>
/// The GEMM used where cuBLAS is absent (ILGPU's CPU accelerator, or a GPU without libcublas): square tiles
/// of A and B staged in dynamic shared memory, one output element per thread, k summed in order.
/// Group = tile x tile threads; grid = (column tiles, row tiles, batches).
/// </summary>
internal static class GemmKernels
{
    public static void Tiled<T, TOps>(ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, GemmArgs p)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var tiles = SharedMemory.GetDynamic<T>();
        var m = default(TOps);
        int ts = Group.DimX;
        int tx = Group.IdxX, ty = Group.IdxY;
        int col = Grid.IdxX * ts + tx;
        int row = Grid.IdxY * ts + ty;
        long batch = p.BatchStart + Grid.IdxZ;
        long baseA = p.OffsetA + batch * p.StrideA;
        long baseB = p.OffsetB + batch * p.StrideB;
        T acc = m.Zero;
        for (int k0 = 0; k0 < p.K; k0 += ts)
        {
            int ka = k0 + tx;
            tiles[ty * ts + tx] = row < p.M && ka < p.K
                ? a[baseA + (p.TransA != 0 ? (long)ka * p.Lda + row : (long)row * p.Lda + ka)]
                : m.Zero;
            int kb = k0 + ty;
            tiles[ts * ts + ty * ts + tx] = kb < p.K && col < p.N
                ? b[baseB + (p.TransB != 0 ? (long)col * p.Ldb + kb : (long)kb * p.Ldb + col)]
                : m.Zero;
            Group.Barrier();
            for (int kk = 0; kk < ts; kk++)
                acc = m.Add(acc, m.Mul(tiles[ty * ts + kk], tiles[ts * ts + kk * ts + tx]));
            Group.Barrier();
        }
        if (row < p.M && col < p.N)
        {
            long at = p.OffsetC + batch * p.StrideC + (long)row * p.Ldc + col;
            c[at] = p.Accumulate != 0 ? m.Add(c[at], acc) : acc;
        }
    }
}
