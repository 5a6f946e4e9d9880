using System.Runtime.CompilerServices;
using GsdmCore.Backends;
using GsdmCore.Backends.Cpu;
using GsdmCore.Backends.Cuda;

namespace GsdmCore;

/// <summary>Kinds of device a tensor can live on.</summary>
public enum DeviceKind
{
    /// <summary>Host memory and the SIMD CPU backend.</summary>
    Cpu,
    /// <summary>An NVIDIA GPU through ILGPU kernels and cuBLAS.</summary>
    Cuda,
    /// <summary>The GPU kernels run on ILGPU's CPU accelerator (host threads): tests and CI without a GPU.</summary>
    IlgpuCpu,
}

/// <summary>Where a tensor's memory lives and which backend runs its ops.</summary>
public readonly record struct Device(DeviceKind Kind, int Index = 0)
{
    /// <summary>The host.</summary>
    public static Device Cpu => new(DeviceKind.Cpu);

    /// <summary>CUDA device <paramref name="index"/>; its backend (an ILGPU accelerator) starts on first use.</summary>
    /// <exception cref="TensorDeviceException">No CUDA GPU (or no device of that index) is present.</exception>
    public static Device Cuda(int index = 0)
    {
        EnsureCuda(index); // fail here, with the clear message, rather than at the first op
        return new(DeviceKind.Cuda, index);
    }

    /// <summary>The GPU kernels on ILGPU's CPU accelerator (slow; for tests without a GPU).</summary>
    public static Device IlgpuCpu => new(DeviceKind.IlgpuCpu);

    /// <summary>
    /// The device creation ops use when none is given: the CPU, unless a <see cref="Use"/> block on this thread chose
    /// another.
    /// </summary>
    public static Device Current => DeviceScope.Current;

    /// <summary>
    /// Makes <paramref name="device"/> the default of creation ops on this thread until the returned scope is
    /// disposed: <c>using (Device.Use(Device.IlgpuCpu)) { var x = Tensor.Zeros([3]); }</c>. Scopes nest.
    /// </summary>
    public static DeviceScope Use(Device device) => new(device);

    /// <summary>True when a CUDA GPU can be used (probes the driver library once; never throws).</summary>
    public static bool IsCudaAvailable => ProbeCuda();

    /// <summary>The backend that runs ops on this device.</summary>
    public Backend Backend => CommandRecorder.Route(Kind switch
    {
        DeviceKind.Cpu => CpuBackend.Instance,
        DeviceKind.Cuda or DeviceKind.IlgpuCpu => GpuBackend(Kind, Index),
        _ => throw new TensorDeviceException("device", $"no backend for device {this}."),
    });

    /// <summary>Parses "cpu", "cuda", "cuda:N" or "ilgpu-cpu" (as written by <see cref="ToString"/> and the CLI's --device).</summary>
    /// <exception cref="TensorDeviceException">Unknown text, or a CUDA device that is not present.</exception>
    public static Device Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t is "ilgpu-cpu" or "ilgpucpu") return IlgpuCpu;
        if (t == "cuda") return Cuda(0);
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t[5..], out int index) && index >= 0) return Cuda(index);
        throw new TensorDeviceException("device", $"unknown device '{text}'; use cpu, cuda, cuda:N or ilgpu-cpu.");
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        DeviceKind.Cpu => "cpu",
        DeviceKind.IlgpuCpu => "ilgpu-cpu",
        _ => $"{Kind.ToString().ToLowerInvariant()}:{Index}",
    };

    // Kept out of line so that CPU-only use never loads the GPU assemblies.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Backend GpuBackend(DeviceKind kind, int index) => kind == DeviceKind.IlgpuCpu ? CudaBackend.IlgpuCpu : CudaBackend.Cuda(index);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool ProbeCuda() => CudaBackend.IsCudaAvailable;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void EnsureCuda(int index) => CudaBackend.EnsureCudaDevice(index);
}
