namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Runs work over fixed-size chunks. The chunking depends only on the work's size, never on the thread
/// count, so every kernel gives bit-identical results with 1 or N threads.
/// </summary>
public static class CpuParallel
{
    private static int _maxThreads = DefaultThreads();

    /// <summary>
    /// Most threads a kernel may use: the processor count, or the GSDM_THREADS environment variable when it holds a
    /// positive integer (to share a machine between runs; results do not depend on it).
    /// </summary>
    public static int MaxThreads
    {
        get => _maxThreads;
        set => _maxThreads = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxThreads must be at least 1.");
    }

    private static int DefaultThreads() =>
        int.TryParse(Environment.GetEnvironmentVariable("GSDM_THREADS"), out int n) && n >= 1 ? n : Environment.ProcessorCount;

    /// <summary>Items per chunk so that one chunk does about 32K units of work (at least one item).</summary>
    public static int Grain(int costPerItem) => Math.Max(1, 32768 / Math.Max(1, costPerItem));

    /// <summary>
    /// Calls <paramref name="body"/> for every chunk of several ranges at once: range t holds
    /// <paramref name="counts"/>[t] elements and is cut into chunks of <paramref name="grain"/>, numbered range by range.
    /// All chunks of all ranges form one parallel loop (the tensors of a model's parameters, most of them one chunk or
    /// less, would each leave all but one core idle). Which thread runs a chunk never changes its numbering.
    /// </summary>
    public static void ForChunks(ReadOnlySpan<int> counts, int grain, Action<ChunkRange> body)
    {
        if (grain < 1) throw new ArgumentOutOfRangeException(nameof(grain), grain, "the grain must be at least 1.");
        int chunks = 0;
        foreach (int n in counts) chunks += (n + grain - 1) / grain;
        if (chunks == 0) return;
        var ranges = System.Buffers.ArrayPool<ChunkRange>.Shared.Rent(chunks);
        int k = 0;
        for (int t = 0; t < counts.Length; t++)
            for (int start = 0; start < counts[t]; start += grain, k++) ranges[k] = new ChunkRange(k, t, start, Math.Min(grain, counts[t] - start));
        try
        {
            For(chunks, 1, (first, end) =>
            {
                for (int c = first; c < end; c++) body(ranges[c]);
            });
        }
        finally
        {
            System.Buffers.ArrayPool<ChunkRange>.Shared.Return(ranges);
        }
    }

    /// <summary>Calls <paramref name="body"/>(start, end) for chunks of <paramref name="grain"/> items covering [0, count).</summary>
    public static void For(int count, int grain, Action<int, int> body)
    {
        if (count <= 0) return;
        // One chunk, or one thread, runs on the calling thread there.
        CpuWorkers.Run(count, grain, _maxThreads, body);
    }
}

/// <summary>One chunk of <see cref="CpuParallel.ForChunks"/>: its number among all chunks, its range, and its elements there.</summary>
/// <param name="Index">The chunk's number, counted range by range.</param>
/// <param name="Target">The range it belongs to.</param>
/// <param name="Start">Its first element in that range.</param>
/// <param name="Length">Its element count.</param>
public readonly record struct ChunkRange(int Index, int Target, int Start, int Length);
