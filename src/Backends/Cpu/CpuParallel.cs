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

    /// <summary>
    /// Until the returned scope is disposed, every parallel region this thread starts runs on this thread alone, its
    /// chunks in an order drawn from <paramref name="seed"/>. Since the chunking depends on the work's size only, results
    /// must not change under it: a kernel whose chunks overlap, or read what another chunk writes, gives other bits
    /// here every time, where on several threads it would only do so now and then. Slower than normal (no second core,
    /// an order drawn per region); meant for tests. Scopes nest; each must be disposed on the thread that began it.
    /// </summary>
    /// <example>
    /// <code>
    /// using (CpuParallel.ShuffledChunkOrder(seed: 1)) shuffled = TrainOneStep();
    /// Assert.Equal(natural, shuffled);
    /// </code>
    /// </example>
    public static IDisposable ShuffledChunkOrder(ulong seed) => CpuWorkers.BeginShuffle(seed);

    /// <summary>Items per chunk so that one chunk does about 32K units of work (at least one item).</summary>
    public static int Grain(int costPerItem) => Math.Max(1, 32768 / Math.Max(1, costPerItem));

    /// <summary>
    /// Calls <paramref name="body"/> for every chunk of several ranges at once: range t holds
    /// <paramref name="counts"/>[t] elements and is cut into chunks of <paramref name="grain"/>, numbered range by range.
    /// All chunks of all ranges form one parallel loop (the tensors of a model's parameters, most of them one chunk or
    /// less, would each leave all but one core idle). Which thread runs a chunk never changes its numbering.
    /// </summary>
    public static void ForChunks(ReadOnlySpan<int> counts, int grain, Action<ChunkRange> body) =>
        ForChunks(counts, grain, new DelegateChunks(body));

    /// <summary><see cref="ForChunks(ReadOnlySpan{int}, int, Action{ChunkRange})"/> with a struct body, which allocates nothing.</summary>
    internal static void ForChunks<TBody>(ReadOnlySpan<int> counts, int grain, TBody body) where TBody : struct, IChunkRangeBody
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
            For(chunks, 1, new RangesOfChunks<TBody>(ranges, body));
        }
        finally
        {
            System.Buffers.ArrayPool<ChunkRange>.Shared.Return(ranges);
        }
    }

    /// <summary>Calls <paramref name="body"/>(start, end) for chunks of <paramref name="grain"/> items covering [0, count).</summary>
    public static void For(int count, int grain, Action<int, int> body) => For(count, grain, new DelegateRanges(body));

    /// <summary>
    /// Calls <paramref name="body"/>.Run(start, end) for chunks of <paramref name="grain"/> items covering [0, count), as
    /// <see cref="For(int, int, Action{int, int})"/> does, but allocates nothing.
    /// </summary>
    internal static void For<TBody>(int count, int grain, TBody body) where TBody : struct, IRangeBody
    {
        if (count <= 0) return;
        // One chunk, or one thread, runs on the calling thread there.
        CpuWorkers.Run(count, grain, _maxThreads, body);
    }

    private readonly struct DelegateRanges(Action<int, int> body) : IRangeBody
    {
        public void Run(int start, int end) => body(start, end);
    }

    private readonly struct DelegateChunks(Action<ChunkRange> body) : IChunkRangeBody
    {
        public void Run(ChunkRange chunk) => body(chunk);
    }

    /// <summary>Chunks [start, end) of <see cref="ForChunks{TBody}"/>, each looked up in the table of all chunks.</summary>
    private readonly struct RangesOfChunks<TBody>(ChunkRange[] ranges, TBody body) : IRangeBody where TBody : struct, IChunkRangeBody
    {
        public void Run(int start, int end)
        {
            for (int c = start; c < end; c++) body.Run(ranges[c]);
        }
    }
}

/// <summary>The body of <see cref="CpuParallel.ForChunks{TBody}"/>: one call per chunk (see <see cref="IRangeBody"/>).</summary>
internal interface IChunkRangeBody
{
    /// <summary>Does the elements of <paramref name="chunk"/>.</summary>
    void Run(ChunkRange chunk);
}

/// <summary>One chunk of <see cref="CpuParallel.ForChunks"/>: its number among all chunks, its range, and its elements there.</summary>
/// <param name="Index">The chunk's number, counted range by range.</param>
/// <param name="Target">The range it belongs to.</param>
/// <param name="Start">Its first element in that range.</param>
/// <param name="Length">Its element count.</param>
public readonly record struct ChunkRange(int Index, int Target, int Start, int Length);
