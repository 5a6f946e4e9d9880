using GsdmCore.Backends;
using GsdmCore.Backends.Cpu;

namespace GsdmCore;

/// <summary>Kinds of device a tensor can live on.</summary>
public enum DeviceKind
{
    /// <summary>Host memory and the SIMD CPU backend.</summary>
    Cpu,
}

/// <summary>Where a tensor's memory lives and which backend runs its ops.</summary>
public readonly record struct Device(DeviceKind Kind, int Index = 0)
{
    /// <summary>The host.</summary>
    public static Device Cpu => new(DeviceKind.Cpu);

    /// <summary>The backend that runs ops on this device.</summary>
    public Backend Backend => Kind switch
    {
        DeviceKind.Cpu => CpuBackend.Instance,
        _ => throw new TensorDeviceException("device", $"no backend for device {this}."),
    };

    /// <inheritdoc />
    public override string ToString() => Kind == DeviceKind.Cpu ? "cpu" : $"{Kind.ToString().ToLowerInvariant()}:{Index}";
}
