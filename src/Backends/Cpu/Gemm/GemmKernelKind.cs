using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GsdmCore.Backends.Cpu;

/// <summary>Which micro-kernel family a GEMM runs on; <see cref="Auto"/> picks the best the hardware accelerates.</summary>
internal enum GemmKernelKind
{
    /// <summary>Best available for this machine.</summary>
    Auto,

    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512,

    /// <summary>256-bit vectors (AVX2 + FMA).</summary>
    Vector256,

    /// <summary>Plain scalar code.</summary>
    Scalar,
}

/// <summary>Hardware checks behind <see cref="GemmKernelKind"/>.</summary>
internal static class GemmKernelSelection
{
    /// <summary>Whether the kernels of <paramref name="kind"/> run natively on this machine.</summary>
    public static bool IsAccelerated(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Vector512 => Vector512.IsHardwareAccelerated,
        GemmKernelKind.Vector256 => Vector256.IsHardwareAccelerated && Fma.IsSupported,
        _ => true,
    };

    /// <summary>Resolves <see cref="GemmKernelKind.Auto"/> for single precision.</summary>
    public static GemmKernelKind ForSingle(GemmKernelKind requested) => requested switch
    {
        GemmKernelKind.Auto when IsAccelerated(GemmKernelKind.Vector512) => GemmKernelKind.Vector512,
        GemmKernelKind.Auto when IsAccelerated(GemmKernelKind.Vector256) => GemmKernelKind.Vector256,
        GemmKernelKind.Auto => GemmKernelKind.Scalar,
        _ => requested,
    };

    /// <summary>Resolves <see cref="GemmKernelKind.Auto"/> for double precision, which has no 512-bit kernel.</summary>
    public static GemmKernelKind ForDouble(GemmKernelKind requested) => requested switch
    {
        GemmKernelKind.Auto or GemmKernelKind.Vector512 when IsAccelerated(GemmKernelKind.Vector256) => GemmKernelKind.Vector256,
        GemmKernelKind.Auto or GemmKernelKind.Vector512 => GemmKernelKind.Scalar,
        _ => requested,
    };
}
