namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Arrays of released CPU buffers, kept by (dtype, exact length) for the next allocation of that size.
/// A training or sampling loop asks for the same sizes every step, so in steady state nothing new is
/// allocated. The pool holds at most <see cref="Capacity"/> bytes: past it, the arrays of the size used
/// longest ago go to the garbage collector first, so a process that moves on to other shapes (another model,
/// another batch size) does not keep the old ones for ever. <see cref="Trim"/> drops everything.
/// </summary>
public static class CpuBufferPool
{
    private static readonly Dictionary<(DType, int), Bucket> Free = new();
    private static readonly object Gate = new();
    private static long _pooledBytes;
    private static long _clock;
    private static long _capacity = DefaultCapacity();

    private sealed class Bucket
    {
        public readonly Stack<Array> Arrays = new();
        public long LastUse;
    }

    /// <summary>Bytes currently held by the pool.</summary>
    public static long PooledBytes => Interlocked.Read(ref _pooledBytes);

    /// <summary>
    /// Most bytes the pool keeps (default: half the memory available to the process, at least 256 MiB; a step whose
    /// released buffers exceed it re-allocates the excess every step).
    /// Lowering it evicts at once.
    /// </summary>
    public static long Capacity
    {
        get => Interlocked.Read(ref _capacity);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            lock (Gate)
            {
                _capacity = value;
                EvictOverCapacity();
            }
        }
    }

    private static long DefaultCapacity() =>
        Math.Max(256L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);

    internal static Array Rent(DType dtype, int length)
    {
        lock (Gate)
        {
            if (Free.TryGetValue((dtype, length), out var bucket) && bucket.Arrays.Count > 0)
            {
                _pooledBytes -= (long)length * dtype.SizeOf();
                bucket.LastUse = ++_clock;
                return bucket.Arrays.Pop();
            }
        }
        return dtype switch
        {
            DType.F32 => GC.AllocateUninitializedArray<float>(length),
            DType.F64 => GC.AllocateUninitializedArray<double>(length),
            DType.I32 => GC.AllocateUninitializedArray<int>(length),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
        };
    }

    internal static void Return(DType dtype, Array array)
    {
        lock (Gate)
        {
            if (!Free.TryGetValue((dtype, array.Length), out var bucket))
                Free[(dtype, array.Length)] = bucket = new Bucket();
            bucket.Arrays.Push(array);
            bucket.LastUse = ++_clock;
            _pooledBytes += (long)array.Length * dtype.SizeOf();
            EvictOverCapacity();
        }
    }

    /// <summary>Drops arrays of the least recently used sizes until the pool fits its capacity (caller holds the lock).</summary>
    private static void EvictOverCapacity()
    {
        while (_pooledBytes > _capacity && Free.Count > 0)
        {
            // Buckets emptied by Rent stay (a step reuses them); only those holding arrays can be evicted from.
            var oldest = Free.Where(entry => entry.Value.Arrays.Count > 0).MinBy(entry => entry.Value.LastUse);
            var (dtype, length) = oldest.Key;
            oldest.Value.Arrays.Pop();
            _pooledBytes -= (long)length * dtype.SizeOf();
            if (oldest.Value.Arrays.Count == 0) Free.Remove(oldest.Key);
        }
    }

    /// <summary>Releases every pooled array to the garbage collector.</summary>
    public static void Trim()
    {
        lock (Gate)
        {
            Free.Clear();
            _pooledBytes = 0;
        }
    }
}
