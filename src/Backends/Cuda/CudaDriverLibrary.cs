using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;

namespace GsdmCore.Backends.Cuda;

/// <summary>
/// Finding the CUDA driver library. ILGPU imports it as "cuda", which .NET resolves to libcuda.so — a name
/// that container images and driver-only installs often lack (they ship libcuda.so.1, the name PyTorch and
/// CuPy open). A resolver for ILGPU's assembly tries libcuda.so.1 first. <see cref="Describe"/> asks the
/// driver itself, so that a "no CUDA device" error can say why.
/// </summary>
internal static unsafe class CudaDriverLibrary
{
    private static readonly string[] Names = OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"];
    private static readonly Lazy<bool> Installed = new(Install);

    /// <summary>Installs the resolver once (not on Windows or WSL, where ILGPU's own probing is right).</summary>
    public static void EnsureResolver() => _ = Installed.Value;

    private static bool Install()
    {
        if (!OperatingSystem.IsLinux() || IsWsl()) return false;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, Resolve);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // someone else resolves ILGPU's imports already
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != "cuda") return 0;
        return TryLoad(out var handle, out _) ? handle : 0;
    }

    private static bool TryLoad(out nint handle, out string loaded)
    {
        foreach (var name in Names)
            if (NativeLibrary.TryLoad(name, out handle))
            {
                loaded = name;
                return true;
            }
        handle = 0;
        loaded = "";
        return false;
    }

    /// <summary>What the driver reports: its version and device count, or why it could not be asked.</summary>
    public static string Describe()
    {
        if (!TryLoad(out var h, out var loaded)) return $"the CUDA driver library ({string.Join(" / ", Names)}) is not installed";
        try
        {
            var init = (delegate* unmanaged<uint, int>)NativeLibrary.GetExport(h, "cuInit");
            var version = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(h, "cuDriverGetVersion");
            var count = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(h, "cuDeviceGetCount");
            int v = 0, n = 0;
            int status = init(0);
            if (status != 0) return $"{loaded} loaded but cuInit failed with CUDA error {status}{(status == 100 ? " (no CUDA-capable device)" : "")}";
            version(&v);
            count(&n);
            return $"{loaded}: CUDA driver {v / 1000}.{v % 1000 / 10} reports {n} device(s)";
        }
        catch (EntryPointNotFoundException e)
        {
            return $"{loaded} lacks an expected entry point: {e.Message}";
        }
    }

    private static bool IsWsl()
    {
        try
        {
            return File.ReadAllText("/proc/version").Contains("microsoft", StringComparison.OrdinalIgnoreCase);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
