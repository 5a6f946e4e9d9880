using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace GsdmCore.Backends.Cpu;

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
/// </remarks>
internal static class CpuWorkers
{
    /// <summary>How long an idle worker spins before it sleeps.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 microseconds

    private static readonly int WorkerCount = Math.Max(0, Environment.ProcessorCount - 1);
    private static readonly SemaphoreSlim[] Wake = new SemaphoreSlim[WorkerCount];
    private static readonly int[] Sleeping = new int[WorkerCount];

    private static int _busy;
    private static long _generation;
    private static int _finished;

    // The current region; written before _generation is bumped, read by workers after they see the bump.
    private static Action<int>? _chunk;
    // Or, for CpuParallel.For, a body over item ranges: chunk c covers [c * _grain, min(_count, (c + 1) * _grain)).
    private static Action<int, int>? _ranges;
    private static int _count;
    private static int _grain;
    private static int _chunks;
    private static int _next;
    private static int _helpers;
    private static ExceptionDispatchInfo? _failure;

    [ThreadStatic] private static bool _isWorker;

    static CpuWorkers()
    {
        for (int w = 0; w < WorkerCount; w++)
        {
            Wake[w] = new SemaphoreSlim(0);
            int index = w;
            new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"GsdmCore CPU worker {index + 1}" }.Start();
        }
    }

    /// <summary>Calls <paramref name="chunk"/>(c) for c in [0, chunks) on up to <paramref name="threads"/> threads.</summary>
    public static void Run(int chunks, int threads, Action<int> chunk)
    {
        int helpers = Math.Min(Math.Min(threads, chunks) - 1, WorkerCount);
        if (helpers <= 0 || _isWorker || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int c = 0; c < chunks; c++) chunk(c);
            return;
        }
        RunRegion(chunks, helpers, chunk, null, 0, 0);
    }

    /// <summary>
    /// Calls <paramref name="body"/>(start, end) for the chunks of <paramref name="grain"/> items covering [0,
    /// <paramref name="count"/>) on up to <paramref name="threads"/> threads, without a closure per call to turn chunk
    /// numbers into ranges.
    /// </summary>
    public static void Run(int count, int grain, int threads, Action<int, int> body)
    {
        int chunks = (int)(((long)count + grain - 1) / grain);
        int helpers = Math.Min(Math.Min(threads, chunks) - 1, WorkerCount);
        if (helpers <= 0 || _isWorker || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int c = 0; c < chunks; c++) body(c * grain, RangeEnd(c, count, grain));
            return;
        }
        RunRegion(chunks, helpers, null, body, count, grain);
    }

    /// <summary>The end of chunk c of the items [0, count) cut into chunks of grain.</summary>
    private static int RangeEnd(int c, int count, int grain) => (int)Math.Min(count, (long)(c + 1) * grain);

    /// <summary>Runs one region, the caller holding <see cref="_busy"/>: its chunks on the caller and the helpers.</summary>
    private static void RunRegion(int chunks, int helpers, Action<int>? chunk, Action<int, int>? ranges, int count, int grain)
    {
        try
        {
            _chunk = chunk;
            _ranges = ranges;
            _count = count;
            _grain = grain;
            _chunks = chunks;
            _next = 0;
            _helpers = helpers;
            _failure = null;
            Volatile.Write(ref _finished, 0);
            Interlocked.Increment(ref _generation);
            for (int w = 0; w < helpers; w++)
                if (Interlocked.Exchange(ref Sleeping[w], 0) == 1) Wake[w].Release();

            RunChunks();
            var wait = new SpinWait();
            while (Volatile.Read(ref _finished) < helpers) wait.SpinOnce(sleep1Threshold: -1);
            _chunk = null;
            _ranges = null;
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
        var chunk = _chunk;
        var ranges = _ranges;
        int chunks = _chunks, count = _count, grain = _grain;
        try
        {
            int c;
            if (ranges != null)
                while ((c = Interlocked.Increment(ref _next) - 1) < chunks) ranges(c * grain, RangeEnd(c, count, grain));
            else
                while ((c = Interlocked.Increment(ref _next) - 1) < chunks) chunk!(c);
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
            while (Volatile.Read(ref _generation) == seen)
            {
                if (Stopwatch.GetTimestamp() - started < SpinTicks)
                {
                    Thread.SpinWait(16);
                    continue;
                }
                Interlocked.Exchange(ref Sleeping[index], 1);
                if (Volatile.Read(ref _generation) != seen)
                {
                    // A region began while we went to sleep: if its starter already took our flag, it has
                    // released (or will release) the semaphore once, which must be consumed.
                    if (Interlocked.Exchange(ref Sleeping[index], 0) == 0) Wake[index].Wait();
                    break;
                }
                Wake[index].Wait();
                started = Stopwatch.GetTimestamp();
            }
            seen = Volatile.Read(ref _generation);
            if (index >= Volatile.Read(ref _helpers)) continue;
            RunChunks();
            Interlocked.Increment(ref _finished);
        }
    }
}
