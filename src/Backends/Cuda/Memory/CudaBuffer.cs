using ILGPU;
using ILGPU.Runtime;

namespace GsdmCore.Backends.Cuda.Memory;

/// <summary>
/// Device memory for one tensor storage: a block of the backend's caching allocator, viewed as the dtype's
/// elements. Disposing returns the block to the cache at once (no finalizer: an undisposed buffer's block
/// is left to ILGPU's own clean-up).
/// </summary>
public sealed class CudaBuffer : IBuffer
{
    private readonly CudaBackend _backend;
    private MemoryBuffer1D<byte, Stride1D.Dense>? _block;

    internal CudaBuffer(CudaBackend backend, DType dtype, int length, MemoryBuffer1D<byte, Stride1D.Dense> block)
    {
        _backend = backend;
        DType = dtype;
        Length = length;
        _block = block;
    }

    /// <inheritdoc />
    public DType DType { get; }

    /// <inheritdoc />
    public int Length { get; }

    /// <inheritdoc />
    public Backend Backend => CommandRecorder.Route(_backend);

    /// <summary>True once the memory has gone back to the cache.</summary>
    public bool IsDisposed => _block == null;

    internal MemoryBuffer1D<byte, Stride1D.Dense> Block => _block ?? throw new ObjectDisposedException(nameof(CudaBuffer),
        "this tensor's device memory was released (its TensorScope ended or it was disposed); keep it with scope.Keep(tensor), or create it outside the scope.");

    /// <summary>The elements as a view of <typeparamref name="T"/>; T must match <see cref="DType"/>.</summary>
    internal ArrayView<T> View<T>() where T : unmanaged => Block.View.AsContiguous().Cast<T>().SubView(0, Math.Max(Length, 1));

    /// <summary>Device address of element <paramref name="offset"/> (for cuBLAS).</summary>
    internal nint Address(int offset) => Block.NativePtr + (nint)offset * DType.SizeOf();

    /// <summary>Returns the memory to the backend's cache. Any tensor still viewing it fails on its next use.</summary>
    public void Dispose()
    {
        var block = Interlocked.Exchange(ref _block, null);
        if (block != null) _backend.Pool.Return(block);
    }
}
