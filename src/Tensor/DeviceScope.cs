namespace GsdmCore;

/// <summary>
/// The device that creation ops without an explicit device use on this thread (<see cref="Device.Current"/>), set for
/// a block by <see cref="Device.Use"/>. Lets code written against the host (data generators, diffusion processes,
/// samplers) run unchanged on a GPU: inside the block, <c>Tensor.FromArray(..)</c>, <c>Tensor.Zeros(..)</c> and the
/// like allocate on the chosen device.
/// </summary>
public sealed class DeviceScope : IDisposable
{
    [ThreadStatic] private static Device? _current;

    private readonly Device? _previous;
    private bool _disposed;

    internal DeviceScope(Device device)
    {
        _previous = _current;
        _current = device;
    }

    /// <summary>The innermost device set on this thread, or the CPU.</summary>
    internal static Device Current => _current ?? Device.Cpu;

    /// <summary>Restores the device that was current before this scope.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _current = _previous;
    }
}
