namespace GsdmCore.Backends.Cuda.CuBlas;

/// <summary>A cuBLAS call returned a status other than success; the message names the op and the status.</summary>
public sealed class CuBlasException : TensorException
{
    /// <summary>The cublasStatus_t value.</summary>
    public int Status { get; }

    /// <summary>Creates the exception.</summary>
    public CuBlasException(string op, string call, int status)
        : base(op, $"{call} failed with {Name(status)} ({status}).") => Status = status;

    private static string Name(int status) => status switch
    {
        1 => "CUBLAS_STATUS_NOT_INITIALIZED",
        3 => "CUBLAS_STATUS_ALLOC_FAILED",
        7 => "CUBLAS_STATUS_INVALID_VALUE",
        8 => "CUBLAS_STATUS_ARCH_MISMATCH",
        11 => "CUBLAS_STATUS_MAPPING_ERROR",
        13 => "CUBLAS_STATUS_EXECUTION_FAILED",
        14 => "CUBLAS_STATUS_INTERNAL_ERROR",
        15 => "CUBLAS_STATUS_NOT_SUPPORTED",
        16 => "CUBLAS_STATUS_LICENSE_ERROR",
        _ => "an unknown cuBLAS status",
    };
}
