namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Arrays of released CPU buffers, kept by (dtype, exact length) for the next allocation of that size.
/// A training or sampling loop asks for the same sizes every step, so in steady state nothing new is
/// allocated. Arrays leave the pool only when reused; <see cref="Trim"/> drops them all.
/// </summary>
public static class CpuBufferPool
{
    private static readonly Dictionary<(DType, int), Stack<Array>> Free = new();
    private static readonly object Gate = new();
    private static long _pooledBytes;

    /// <summary>Bytes currently held by the pool.</summary>
    public static long PooledBytes => Interlocked.Read(ref _pooledBytes);

    internal static Array Rent(DType dtype, int length)
    {
        lock (Gate)
        {
            if (Free.TryGetValue((dtype, length), out var stack) && stack.Count > 0)
            {
                _pooledBytes -= (long)length * dtype.SizeOf();
                return stack.Pop();
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
            if (!Free.TryGetValue((dtype, array.Length), out var stack))
                Free[(dtype, array.Length)] = stack = new Stack<Array>();
            stack.Push(array);
            _pooledBytes += (long)array.Length * dtype.SizeOf();
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
