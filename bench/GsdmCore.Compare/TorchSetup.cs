using TorchSharp;

namespace GsdmCore.Compare;

/// <summary>Patches the native shim if needed, then makes the first TorchSharp call (thread count).</summary>
internal static class TorchSetup
{
    public static void Initialise(int threads, bool quiet)
    {
        string patch = NativeLibraryPatch.EnsureLoadable();
        if (!quiet) Console.WriteLine(patch);
        torch.set_num_threads(threads);
        if (!quiet) Console.WriteLine($"torch {torch.__version__} threads={torch.get_num_threads()}");
    }
}
