using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace GsdmCore.Backends.Cuda;

/// <summary>
/// The process's ILGPU contexts, each created on first use: nothing here runs (and no native CUDA library
/// is loaded) until a GPU device or the ILGPU CPU accelerator is asked for.
/// </summary>
internal static class IlgpuDevices
{
    private static readonly Lazy<int> CudaCount = new(() =>
    {
        CudaDriverLibrary.EnsureResolver();
        return CudaDevice.GetDevices(_ => true).Length;
    });
    private static readonly Lazy<Context> CudaContext = new(() =>
    {
        CudaDriverLibrary.EnsureResolver();
        return Context.Create(b => b.Cuda().EnableAlgorithms());
    });
    private static readonly Lazy<Context> CpuContext = new(() => Context.Create(b => b.CPU().EnableAlgorithms()));

    /// <summary>Number of CUDA devices ILGPU can drive (0 when the driver library is missing).</summary>
    public static int CudaDeviceCount => CudaCount.Value;

    /// <summary>A new accelerator on CUDA device <paramref name="index"/>.</summary>
    public static CudaAccelerator CreateCuda(int index) => CudaContext.Value.CreateCudaAccelerator(index);

    /// <summary>A new accelerator on ILGPU's CPU simulator (groups, barriers and shared memory on threads).</summary>
    public static CPUAccelerator CreateCpu() => CpuContext.Value.CreateCPUAccelerator(0);

    /// <summary>A context with no accelerator, for compiling kernels to other targets (PTX) in tests.</summary>
    public static Context CreateCompileOnlyContext() => Context.Create(b => b.EnableAlgorithms());
}
