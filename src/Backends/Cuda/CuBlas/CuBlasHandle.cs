using GsdmCore.Backends.Cuda.Memory;

namespace GsdmCore.Backends.Cuda.CuBlas;

/// <summary>
/// One cuBLAS handle bound to the backend's stream. Row-major products are issued as the column-major
/// product of the transposes (C^T = op(B)^T op(A)^T): the operands swap places, nothing is copied.
/// TF32 tensor-core math is used only when <see cref="AllowTf32"/> is set.
/// </summary>
internal sealed unsafe class CuBlasHandle : IDisposable
{
    private const int OpN = 0, OpT = 1;
    private const int DefaultMath = 0, Tf32TensorOpMath = 3;

    private readonly CuBlasLibrary.Api _api;
    private nint _handle;
    private int _mathMode = -1;

    private CuBlasHandle(CuBlasLibrary.Api api, nint handle)
    {
        _api = api;
        _handle = handle;
    }

    /// <summary>Whether float32 products may use TF32 tensor cores (about 10 mantissa bits).</summary>
    public bool AllowTf32 { get; set; }

    /// <summary>A handle on <paramref name="stream"/>, or null when no cuBLAS library is installed.</summary>
    public static CuBlasHandle? TryCreate(nint stream)
    {
        var api = CuBlasLibrary.Current;
        if (api == null) return null;
        nint handle;
        Check(api.Create(&handle), "cublasCreate_v2");
        Check(api.SetStream(handle, stream), "cublasSetStream_v2");
        return new CuBlasHandle(api, handle);
    }

    /// <summary>C[b] = op(A[b]) op(B[b]) (+ C[b] when accumulating) for row-major operands described by <paramref name="d"/>.</summary>
    public void Gemm(CudaBuffer a, CudaBuffer b, CudaBuffer c, in MatmulDims d)
    {
        int mode = AllowTf32 ? Tf32TensorOpMath : DefaultMath;
        if (mode != _mathMode)
        {
            Check(_api.SetMathMode(_handle, mode), "cublasSetMathMode");
            _mathMode = mode;
        }
        int opFirst = d.TransB ? OpT : OpN, opSecond = d.TransA ? OpT : OpN;
        nint pa = a.Address(d.OffsetA), pb = b.Address(d.OffsetB), pc = c.Address(d.OffsetC);
        if (a.DType == DType.F64)
        {
            double one = 1, beta = d.Accumulate ? 1 : 0;
            Check(_api.DgemmStridedBatched(_handle, opFirst, opSecond, d.N, d.M, d.K, &one,
                pb, d.Ldb, d.StrideB, pa, d.Lda, d.StrideA, &beta, pc, d.Ldc, d.StrideC, d.Batch), "cublasDgemmStridedBatched");
        }
        else
        {
            float one = 1, beta = d.Accumulate ? 1 : 0;
            Check(_api.SgemmStridedBatched(_handle, opFirst, opSecond, d.N, d.M, d.K, &one,
                pb, d.Ldb, d.StrideB, pa, d.Lda, d.StrideA, &beta, pc, d.Ldc, d.StrideC, d.Batch), "cublasSgemmStridedBatched");
        }
    }

    private static void Check(int status, string call)
    {
        if (status != 0) throw new CuBlasException("matmul", call, status);
    }

    public void Dispose()
    {
        if (_handle == 0) return;
        _api.Destroy(_handle);
        _handle = 0;
    }
}
