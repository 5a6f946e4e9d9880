using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace GsdmCore.Backends.Cpu;

/// <summary>The body of a parallel region over item ranges: one call per chunk, with the chunk's items [start, end).</summary>
/// <remarks>
/// Implemented by small readonly structs that hold what the loop reads as fields. A region runs the caller's own copy
/// of the body on every thread, so a body must not change its fields.
/// </remarks>
internal interface IRangeBody
{
    /// <summary>Does the items [<paramref name="start"/>, <paramref name="end"/>).</summary>
    void Run(int start, int end);
}

/// <summary>The body of a parallel region over numbered chunks (see <see cref="IRangeBody"/>).</summary>
internal interface IChunkBody
{
    /// <summary>Does chunk <paramref name="chunk"/>.</summary>
    void Run(int chunk);
}

/// <summary>
/// A fork-join pool of dedicated worker threads for the CPU kernels. A kernel's parallel region is often only
/// tens of microseconds long (a sparse-attention pass at 81 nodes, an elementwise op on a small batch): the
/// thread pool's wake-up latency under <c>Parallel.For</c> is of that order, so the second core often joined
/// late or not at all. These workers spin for a short while after each region, so back-to-back regions start
/// together, and then sleep on a semaphore, so an idle engine costs nothing.
/// </summary>
/// <remarks>
/// One region runs at a time. A region started while another is running (from a kernel body, or from
/// another thread) runs its chunks on the calling thread, in order: which thread runs a chunk never
/// changes a result, since the chunking is fixed by the work's size.
/// <para>
/// A region allocates nothing: its body is a struct, passed by value, that stays in the starting call's stack frame
/// until every helper has finished; the helpers reach it through a pointer and a function pointer to the body type's
/// <see cref="InvokeRanges{TBody}"/> or <see cref="InvokeChunks{TBody}"/>.
/// </para>
/// </remarks>
internal static unsafe class CpuWorkers
{
    /// <summary>How long an idle worker spins before it sleeps.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 microseconds

    private static readonly int WorkerCount = Math.Max(0, Environment.ProcessorCount - 1);
    private static readonly SemaphoreSlim[] Wake = new SemaphoreSlim[WorkerCount];
    private static readonly int[] Sleeping = new int[WorkerCount];

    /// <summary>Bits of <see cref="_region"/> that hold the region's helper count.</summary>
    private const int HelperBits = 20;

    private static int _busy;
    // The current region's number and helper count in one value (number << HelperBits | helpers), so that a worker
    // reads the two together: read apart, a worker that woke for one region could take the helper count of the next
    // and then join, and count as finished in, a region it was not counted in, while that region's body is live.
    private static long _region;
    private static int _finished;

    // The current region's body; written before _region changes, read by workers after they see the change.
    // Chunk c covers the items [c * _grain, min(_count, (c + 1) * _grain)).
    private static void* _body;
    private static delegate*<void*, int, int, void> _invoke;
    private static int _count;
    private static int _grain;
    private static int _chunks;
    private static int _next;
    private static ExceptionDispatchInfo? _failure;

    [ThreadStatic] private static bool _isWorker;
    [ThreadStatic] private static ChunkShuffle? t_shuffle;

    /// <summary>Whether this thread's regions run shuffled (<see cref="CpuParallel.ShuffledChunkOrder"/>).</summary>
    internal static bool IsShuffling => t_shuffle != null;

    /// <summary>Starts running this thread's regions on it alone, their chunks in an order drawn from <paramref name="seed"/>.</summary>
    internal static ChunkShuffle BeginShuffle(ulong seed) => t_shuffle = new ChunkShuffle(seed, t_shuffle);

    /// <summary>Ends <paramref name="scope"/>, which must be this thread's innermost one.</summary>
    internal static void EndShuffle(ChunkShuffle scope)
    {
        if (!ReferenceEquals(t_shuffle, scope))
            throw new InvalidOperationException("cpu_parallel: a shuffled chunk order must end on the thread that began it, innermost first.");
        t_shuffle = scope.Previous;
    }

    static CpuWorkers()
    {
        for (int w = 0; w < WorkerCount; w++)
        {
            Wake[w] = new SemaphoreSlim(0);
            int index = w;
            new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"GsdmCore CPU worker {index + 1}" }.Start();
        }
    }

    /// <summary>Calls <paramref name="body"/>.Run(c) for c in [0, <paramref name="chunks"/>) on up to <paramref name="threads"/> threads.</summary>
    public static void Run<TBody>(int chunks, int threads, TBody body) where TBody : struct, IChunkBody
    {
        if (t_shuffle is { } shuffle)
        {
            foreach (int c in shuffle.Order(chunks)) body.Run(c);
            return;
        }
        if (!TryEnter(chunks, threads, out int helpers))
        {
            for (int c = 0; c < chunks; c++) body.Run(c);
            return;
        }
        // Chunks of one item each.
        RunRegion(chunks, helpers, Unsafe.AsPointer(ref body), &InvokeChunks<TBody>, chunks, 1);
    }

    /// <summary>
    /// Calls <paramref name="body"/>.Run(start, end) for the chunks of <paramref name="grain"/> items covering [0,
    /// <paramref name="count"/>) on up to <paramref name="threads"/> threads.
    /// </summary>
    public static void Run<TBody>(int count, int grain, int threads, TBody body) where TBody : struct, IRangeBody
    {
        int chunks = (int)(((long)count + grain - 1) / grain);
        if (t_shuffle is { } shuffle)
        {
            foreach (int c in shuffle.Order(chunks)) body.Run(c * grain, RangeEnd(c, count, grain));
            return;
        }
        if (!TryEnter(chunks, threads, out int helpers))
        {
            for (int c = 0; c < chunks; c++) body.Run(c * grain, RangeEnd(c, count, grain));
            return;
        }
        RunRegion(chunks, helpers, Unsafe.AsPointer(ref body), &InvokeRanges<TBody>, count, grain);
    }

    /// <summary>
    /// Whether a region of <paramref name="chunks"/> on up to <paramref name="threads"/> threads gets helpers, and then
    /// takes <see cref="_busy"/> for it; otherwise the caller runs the chunks itself.
    /// </summary>
    private static bool TryEnter(int chunks, int threads, out int helpers)
    {
        helpers = Math.Min(Math.Min(threads, chunks) - 1, WorkerCount);
        return helpers > 0 && !_isWorker && Interlocked.CompareExchange(ref _busy, 1, 0) == 0;
    }

    private static void InvokeRanges<TBody>(void* body, int start, int end) where TBody : struct, IRangeBody =>
        Unsafe.AsRef<TBody>(body).Run(start, end);

    private static void InvokeChunks<TBody>(void* body, int start, int end) where TBody : struct, IChunkBody
    {
        ref TBody b = ref Unsafe.AsRef<TBody>(body);
        for (int c = start; c < end; c++) b.Run(c);
    }

    /// <summary>The end of chunk c of the items [0, count) cut into chunks of grain.</summary>
    private static int RangeEnd(int c, int count, int grain) => (int)Math.Min(count, (long)(c + 1) * grain);

    /// <summary>
    /// Runs one region, the caller holding <see cref="_busy"/>: its chunks on the caller and the helpers. Returns only
    /// once no helper uses <paramref name="body"/> any more.
    /// </summary>
    private static void RunRegion(int chunks, int helpers, void* body, delegate*<void*, int, int, void> invoke, int count, int grain)
    {
        try
        {
            _body = body;
            _invoke = invoke;
            _count = count;
            _grain = grain;
            _chunks = chunks;
            _next = 0;
            _failure = null;
            Volatile.Write(ref _finished, 0);
            Interlocked.Exchange(ref _region, ((_region >> HelperBits) + 1) << HelperBits | (long)helpers);
            for (int w = 0; w < helpers; w++)
                if (Interlocked.Exchange(ref Sleeping[w], 0) == 1) Wake[w].Release();

            RunChunks();
            var wait = new SpinWait();
            while (Volatile.Read(ref _finished) < helpers) wait.SpinOnce(sleep1Threshold: -1);
            _body = null;
            _failure?.Throw();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Takes chunks of the current region until none is left; the first exception stops the others.</summary>
    private static void RunChunks()
    {
        void* body = _body;
        var invoke = _invoke;
        int chunks = _chunks, count = _count, grain = _grain;
        try
        {
            int c;
            while ((c = Interlocked.Increment(ref _next) - 1) < chunks) invoke(body, c * grain, RangeEnd(c, count, grain));
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            Volatile.Write(ref _next, chunks);
        }
    }

    private static void WorkerLoop(int index)
    {
        _isWorker = true;
        long seen = 0;
        while (true)
        {
            long started = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _region) == seen)
            {
                if (Stopwatch.GetTimestamp() - started < SpinTicks)
                {
                    Thread.SpinWait(16);
                    continue;
                }
                Interlocked.Exchange(ref Sleeping[index], 1);
                if (Volatile.Read(ref _region) != seen)
                {
                    // A region began while we went to sleep: if its starter already took our flag, it has
                    // released (or will release) the semaphore once, which must be consumed.
                    if (Interlocked.Exchange(ref Sleeping[index], 0) == 0) Wake[index].Wait();
                    break;
                }
                Wake[index].Wait();
                started = Stopwatch.GetTimestamp();
            }
            seen = Volatile.Read(ref _region);
            if (index >= (int)(seen & ((1L << HelperBits) - 1))) continue;
            RunChunks();
            Interlocked.Increment(ref _finished);
        }
    }
}
