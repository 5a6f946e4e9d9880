using System.Runtime.InteropServices;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// A per-thread, 64-byte-aligned native scratch block for packed panels, kept between calls so that
/// steady-state GEMMs allocate nothing.
/// </summary>
/// <remarks>
/// A thread takes its block out of the thread-static slot while using it and puts it back afterwards,
/// so a re-entrant call on the same thread gets a fresh block instead of overwriting live panels.
/// The finalizer frees the native memory once the owning thread (and thus the slot) is gone.
/// </remarks>
internal sealed unsafe class PackBuffer<T> where T : unmanaged
{
    private const nuint Alignment = 64;

    [ThreadStatic]
    private static PackBuffer<T>? t_cached;
    // A second slot, for the B panels one call packs once and shares with all its tasks (the calling thread also
    // runs tasks, which take the first slot).
    [ThreadStatic]
    private static PackBuffer<T>? t_shared;

    private T* _memory;
    private nint _capacity;

    ~PackBuffer() => Release();

    /// <summary>Takes this thread's cached block, or a new empty one.</summary>
    public static PackBuffer<T> Rent()
    {
        PackBuffer<T>? buffer = t_cached;
        if (buffer is null)
        {
            return new PackBuffer<T>();
        }

        t_cached = null;
        return buffer;
    }

    /// <summary>Puts a block back into this thread's slot; the caller must not use its memory afterwards.</summary>
    public static void Return(PackBuffer<T> buffer) => t_cached = buffer;

    /// <summary>Takes this thread's cached block for shared panels, or a new empty one.</summary>
    public static PackBuffer<T> RentShared()
    {
        PackBuffer<T>? buffer = t_shared;
        t_shared = null;
        return buffer ?? new PackBuffer<T>();
    }

    /// <summary>Puts a block back into this thread's shared-panel slot.</summary>
    public static void ReturnShared(PackBuffer<T> buffer) => t_shared = buffer;

    /// <summary>Returns memory for at least <paramref name="elements"/> values, growing the block if needed (contents are not kept).</summary>
    public T* Ensure(nint elements)
    {
        if (elements > _capacity)
        {
            Release();
            nint grown = Math.Max(elements, _capacity + _capacity / 2);
            _memory = (T*)NativeMemory.AlignedAlloc((nuint)grown * (nuint)sizeof(T), Alignment);
            _capacity = grown;
        }

        return _memory;
    }

    private void Release()
    {
        if (_memory != null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
            _capacity = 0;
        }
    }
}
