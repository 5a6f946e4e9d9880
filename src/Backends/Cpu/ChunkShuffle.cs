namespace GsdmCore.Backends.Cpu;

/// <summary>
/// The state of <see cref="CpuParallel.ShuffledChunkOrder"/> on one thread: a SplitMix64 stream that deals each
/// region's chunks a new order.
/// </summary>
internal sealed class ChunkShuffle(ulong seed, ChunkShuffle? previous) : IDisposable
{
    private ulong _state = seed;
    private bool _disposed;

    /// <summary>The scope this one replaced on its thread, restored when it ends.</summary>
    public ChunkShuffle? Previous { get; } = previous;

    /// <summary>The numbers 0..count-1 in an order drawn from the stream (Fisher-Yates).</summary>
    public int[] Order(int count)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        for (int i = count - 1; i > 0; i--)
        {
            int j = (int)(Next() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public void Dispose()
    {
        if (_disposed) return;
        CpuWorkers.EndShuffle(this);
        _disposed = true;
    }
}
