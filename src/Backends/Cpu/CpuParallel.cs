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

    /// <summary>Calls <paramref name="body"/>(start, end) for chunks of <paramref name="grain"/> items covering [0, count).</summary>
    public static void For(int count, int grain, Action<int, int> body)
    {
        if (count <= 0) return;
        int chunks = (int)(((long)count + grain - 1) / grain);
        if (chunks == 1 || _maxThreads == 1)
        {
            for (int c = 0; c < chunks; c++) body(c * grain, (int)Math.Min(count, (long)(c + 1) * grain));
            return;
        }
        CpuWorkers.Run(chunks, _maxThreads, c => body(c * grain, (int)Math.Min(count, (long)(c + 1) * grain)));
    }
}
