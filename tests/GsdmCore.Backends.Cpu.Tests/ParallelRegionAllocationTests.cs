using Xunit;

namespace GsdmCore.Backends.Cpu.Tests;

/// <summary>Tests that change <see cref="CpuParallel.MaxThreads"/> or need the workers to themselves run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class MaxThreadsCollection
{
    public const string Name = "MaxThreads";
}

/// <summary>
/// A warmed-up parallel region, and the kernels that run in such regions, allocate nothing on the managed heap of
/// the calling thread: no delegate, no closure.
/// </summary>
[Collection(MaxThreadsCollection.Name)]
public sealed unsafe class ParallelRegionAllocationTests
{
    /// <summary>out[i] = i * i, counting the chunks that ran on a thread other than the caller's.</summary>
    private readonly struct Squares(long[] output, int[] offCaller, int caller) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int i = start; i < end; i++) output[i] = (long)i * i;
            // Enough work per chunk that a region outlasts a worker's wake-up, even on a loaded machine.
            Thread.SpinWait(2000);
            if (Environment.CurrentManagedThreadId != caller) Interlocked.Increment(ref offCaller[0]);
        }
    }

    /// <summary>Throws in chunk <c>failing</c>, after recording that chunk 0 ran.</summary>
    private readonly struct FailsIn(int failing, int[] ran) : IRangeBody, IChunkBody
    {
        public void Run(int start, int end) => Run(start);

        public void Run(int chunk)
        {
            if (chunk == failing) throw new InvalidOperationException($"chunk {chunk} failed");
            Interlocked.Increment(ref ran[0]);
        }
    }

    [Fact]
    public void A_warmed_up_struct_body_region_on_two_threads_allocates_nothing()
    {
        const int count = 1 << 16, grain = 1 << 10, regions = 200;
        var output = new long[count];
        var offCaller = new int[1];
        var body = new Squares(output, offCaller, Environment.CurrentManagedThreadId);
        int saved = CpuParallel.MaxThreads;
        try
        {
            CpuParallel.MaxThreads = 2;
            // Warm up until a worker has taken part (it may be asleep, or its core busy with another test process).
            var warmUp = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; i < 10 || (offCaller[0] == 0 && warmUp.Elapsed.TotalSeconds < 10); i++) CpuParallel.For(count, grain, body);
            bool workerRan = offCaller[0] > 0;

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < regions; i++) CpuParallel.For(count, grain, body);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.Equal(0, allocated);
            for (int i = 0; i < count; i++) Assert.Equal((long)i * i, output[i]);
            // The regions did run on the workers, not only inline on the caller.
            if (Environment.ProcessorCount > 1) Assert.True(workerRan, "no chunk ran on a worker thread in 10 s of regions");
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }

    /// <summary>
    /// A 2592 x 128 x 128 product (several row blocks over one shared B, packed in parallel first) and the weight
    /// gradient's 128 x 128 x 2592 (split along K, its partial products added in parallel afterwards).
    /// </summary>
    [Theory]
    [InlineData(false, 2592, 128, 128)]
    [InlineData(true, 128, 128, 2592)]
    public void A_warmed_up_sgemm_on_two_threads_allocates_nothing(bool transA, int m, int n, int k)
    {
        var random = new Random(7);
        var a = new float[m * k];
        var b = new float[k * n];
        foreach (var x in new[] { a, b })
            for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() - 0.5);
        var c = new float[m * n];
        var single = new float[m * n];
        fixed (float* pa = a, pb = b, pc = c, ps = single)
        {
            for (int i = 0; i < 5; i++) Product(transA, m, n, k, pa, pb, pc, 2);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) Product(transA, m, n, k, pa, pb, pc, 2);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.Equal(0, allocated);
            Product(transA, m, n, k, pa, pb, ps, 1);
            Assert.Equal(single, c);
        }
    }

    /// <summary>C = op(A) B, all three dense.</summary>
    private static void Product(bool transA, int m, int n, int k, float* a, float* b, float* c, int threads) =>
        Gemm.Sgemm(transA, false, 1, m, n, k, 1f, a, 0, transA ? m : k, b, 0, n, 0f, c, 0, n, threads);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void An_exception_in_a_struct_body_reaches_the_caller_and_the_next_region_runs(int threads)
    {
        var ran = new int[1];
        int saved = CpuParallel.MaxThreads;
        try
        {
            CpuParallel.MaxThreads = threads;
            var ranges = Assert.Throws<InvalidOperationException>(() => CpuParallel.For(64, 1, new FailsIn(37, ran)));
            Assert.Equal("chunk 37 failed", ranges.Message);
            var chunks = Assert.Throws<InvalidOperationException>(() => CpuWorkers.Run(64, threads, new FailsIn(5, ran)));
            Assert.Equal("chunk 5 failed", chunks.Message);
            // The stack trace is the body's, kept through the hand-over from a worker.
            Assert.Contains(nameof(FailsIn), ranges.StackTrace);

            ran[0] = 0;
            CpuParallel.For(64, 1, new FailsIn(-1, ran));
            Assert.Equal(64, ran[0]);
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }

    [Fact]
    public void Struct_body_regions_cover_every_item_once_in_the_fixed_chunks()
    {
        int saved = CpuParallel.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2, 8 })
            {
                CpuParallel.MaxThreads = threads;
                foreach (var (count, grain) in new[] { (1, 1), (7, 3), (1000, 64), (4096, 4096), (5000, 1) })
                {
                    var chunkOf = new int[count];
                    CpuParallel.For(count, grain, new RecordsChunks(chunkOf, grain));
                    for (int i = 0; i < count; i++) Assert.Equal(i / grain + 1, chunkOf[i]);
                }
            }
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }

    /// <summary>Writes 1 + the chunk number into every item of the chunk, after checking the range is one whole chunk.</summary>
    private readonly struct RecordsChunks(int[] chunkOf, int grain) : IRangeBody
    {
        public void Run(int start, int end)
        {
            if (start % grain != 0 || end - start > grain || (end - start < grain && end != chunkOf.Length))
                throw new InvalidOperationException($"[{start}, {end}) is not a chunk of {grain}");
            for (int i = start; i < end; i++)
            {
                if (chunkOf[i] != 0) throw new InvalidOperationException($"item {i} ran twice");
                chunkOf[i] = start / grain + 1;
            }
        }
    }
}
