using System.Runtime.InteropServices;

namespace GsdmCore.Backends.Cuda.CuBlas;

/// <summary>
/// A thin binding of the few cuBLAS entry points the backend calls, resolved at run time: the newest
/// installed major version is probed (libcublas.so.13, .12, .11; cublas64_13.dll ... on Windows), first by
/// the loader's search path, then in $GSDM_CUBLAS (a file or folder), $CUDA_HOME / $CUDA_PATH and
/// /usr/local/cuda. Nothing is loaded until the first GPU matrix product; when no library is found the
/// backend uses its ILGPU tiled GEMM instead.
/// </summary>
internal static unsafe class CuBlasLibrary
{
    private static readonly Lazy<Api?> Loaded = new(Load);

    /// <summary>The bound entry points, or null when no cuBLAS could be loaded.</summary>
    public static Api? Current => Loaded.Value;

    /// <summary>Path or name of the library that was loaded, or why none was.</summary>
    public static string Description => Current?.Path ?? $"not found (tried {string.Join(", ", Candidates())})";

    /// <summary>cuBLAS entry points as unmanaged function pointers.</summary>
    public sealed class Api
    {
        public required string Path { get; init; }
        public required delegate* unmanaged<nint*, int> Create { get; init; }
        public required delegate* unmanaged<nint, int> Destroy { get; init; }
        public required delegate* unmanaged<nint, nint, int> SetStream { get; init; }
        public required delegate* unmanaged<nint, int, int> SetMathMode { get; init; }
        public required delegate* unmanaged<nint, int, int, int, int, int, float*, nint, int, long, nint, int, long, float*, nint, int, long, int, int> SgemmStridedBatched { get; init; }
        public required delegate* unmanaged<nint, int, int, int, int, int, double*, nint, int, long, nint, int, long, double*, nint, int, long, int, int> DgemmStridedBatched { get; init; }
    }

    private static IEnumerable<string> Names()
    {
        bool windows = OperatingSystem.IsWindows();
        foreach (int major in new[] { 13, 12, 11 })
            yield return windows ? $"cublas64_{major}.dll" : $"libcublas.so.{major}";
        if (!windows) yield return "libcublas.so";
    }

    private static IEnumerable<string> Folders()
    {
        foreach (var variable in new[] { "CUDA_HOME", "CUDA_PATH" })
        {
            var root = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(root)) continue;
            yield return System.IO.Path.Combine(root, "lib64");
            yield return System.IO.Path.Combine(root, "bin");
        }
        yield return "/usr/local/cuda/lib64";
    }

    private static IEnumerable<string> Candidates()
    {
        var explicitPath = Environment.GetEnvironmentVariable("GSDM_CUBLAS");
        if (!string.IsNullOrEmpty(explicitPath))
        {
            if (File.Exists(explicitPath)) yield return explicitPath;
            else foreach (var name in Names()) yield return System.IO.Path.Combine(explicitPath, name);
        }
        foreach (var name in Names()) yield return name;
        foreach (var folder in Folders())
            foreach (var name in Names())
                yield return System.IO.Path.Combine(folder, name);
    }

    private static Api? Load()
    {
        foreach (var candidate in Candidates())
        {
            if (!NativeLibrary.TryLoad(candidate, out var handle)) continue;
            try
            {
                return new Api
                {
                    Path = candidate,
                    Create = (delegate* unmanaged<nint*, int>)NativeLibrary.GetExport(handle, "cublasCreate_v2"),
                    Destroy = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(handle, "cublasDestroy_v2"),
                    SetStream = (delegate* unmanaged<nint, nint, int>)NativeLibrary.GetExport(handle, "cublasSetStream_v2"),
                    SetMathMode = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(handle, "cublasSetMathMode"),
                    SgemmStridedBatched = (delegate* unmanaged<nint, int, int, int, int, int, float*, nint, int, long, nint, int, long, float*, nint, int, long, int, int>)
                        NativeLibrary.GetExport(handle, "cublasSgemmStridedBatched"),
                    DgemmStridedBatched = (delegate* unmanaged<nint, int, int, int, int, int, double*, nint, int, long, nint, int, long, double*, nint, int, long, int, int>)
                        NativeLibrary.GetExport(handle, "cublasDgemmStridedBatched"),
                };
            }
            catch (EntryPointNotFoundException)
            {
                NativeLibrary.Free(handle);
            }
        }
        return null;
    }
}
