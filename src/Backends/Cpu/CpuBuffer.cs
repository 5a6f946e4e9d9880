using System.Runtime.CompilerServices;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Host memory for one tensor storage: a managed array of the dtype's CLR type, taken from
/// <see cref="CpuBufferPool"/>. Disposing returns the array to the pool; a buffer nobody disposes is
/// simply collected.
/// </summary>
public sealed class CpuBuffer : IBuffer
{
    private Array? _data;

    /// <inheritdoc />
    public DType DType { get; }
    /// <inheritdoc />
    public int Length { get; }
    /// <inheritdoc />
    public Backend Backend => CommandRecorder.Route(CpuBackend.Instance);

    internal CpuBuffer(DType dtype, int length)
    {
        DType = dtype;
        Length = length;
        _data = CpuBufferPool.Rent(dtype, length);
    }

    /// <summary>The elements (float[], double[] or int[]).</summary>
    public Array Data
    {
        get
        {
            if (CommandRecorder.IsRecordingOutsideCall)
                throw new CaptureException("cpu_buffer", "host code touched a CPU tensor's memory directly inside a captured step; a replay would not run it. Do that work through tensor ops, or outside the captured step.");
            return _data ?? throw new ObjectDisposedException(nameof(CpuBuffer),
                "this tensor's memory was released when its TensorScope ended; keep it with scope.Keep(tensor), or create it outside the scope.");
        }
    }

    /// <summary>True once the memory has gone back to the pool.</summary>
    public bool IsDisposed => _data == null;

    /// <summary>The elements as <typeparamref name="T"/>[]; T must match <see cref="DType"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T[] As<T>() where T : unmanaged => (T[])Data;

    // True once this buffer uses another buffer's array (memory planning of a captured step): disposing it then
    // returns nothing to the pool, the owner does.
    private bool _borrowed;

    /// <summary>
    /// From now on uses <paramref name="owner"/>'s array (same dtype and length), returning its own to the pool. Only for
    /// buffers that are never alive at the same time as the owner (see <see cref="CommandRecorder.PlanMemory"/>).
    /// </summary>
    internal void Borrow(CpuBuffer owner)
    {
        if (owner.DType != DType || owner.Length != Length)
            throw new ArgumentException($"cpu_buffer: a {DType}[{Length}] buffer cannot use the memory of a {owner.DType}[{owner.Length}] one.");
        var own = Interlocked.Exchange(ref _data, owner.Data);
        if (own != null && !_borrowed) CpuBufferPool.Return(DType, own);
        _borrowed = true;
    }

    /// <summary>Returns the memory to the pool (unless it is another buffer's). Any tensor still viewing it fails on its next use.</summary>
    public void Dispose()
    {
        var data = Interlocked.Exchange(ref _data, null);
        if (data != null && !_borrowed) CpuBufferPool.Return(DType, data);
    }
}
