using Xunit;

namespace GsdmCore.Backends.Cpu.Tests;

/// <summary>
/// <see cref="CpuParallel.ShuffledChunkOrder"/>: every chunk runs once, on the calling thread, in a drawn order; scopes
/// nest and end in order; and an order-dependent body does give other results under it.
/// </summary>
public sealed class ShuffledChunkOrderTests
{
    /// <summary>Records, per chunk, the position it ran at and whether it ran on the thread that started the region.</summary>
    private readonly struct Recorder(int[] position, int[] counter, bool[] onCaller, int caller) : IChunkBody, IRangeBody
    {
        public void Run(int chunk)
        {
            position[chunk] = counter[0]++;
            onCaller[chunk] = Environment.CurrentManagedThreadId == caller;
        }

        public void Run(int start, int end) => Run(start / 16);
    }

    private static (int[] Position, bool[] OnCaller) Record(int chunks, bool ranges, int threads = 4)
    {
        var position = Enumerable.Repeat(-1, chunks).ToArray();
        var onCaller = new bool[chunks];
        var body = new Recorder(position, new int[1], onCaller, Environment.CurrentManagedThreadId);
        if (ranges) CpuParallel.For(16 * chunks, 16, body);
        else CpuWorkers.Run(chunks, threads, body);
        return (position, onCaller);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_chunk_runs_once_on_the_calling_thread_in_a_drawn_order(bool ranges)
    {
        const int chunks = 64;
        int[] first, second, again;
        using (CpuParallel.ShuffledChunkOrder(seed: 1))
        {
            var (position, onCaller) = Record(chunks, ranges);
            Assert.All(onCaller, Assert.True);
            first = position;
            second = Record(chunks, ranges).Position;
        }
        using (CpuParallel.ShuffledChunkOrder(seed: 1)) again = Record(chunks, ranges).Position;

        Assert.Equal(Enumerable.Range(0, chunks), first.Order());
        Assert.NotEqual(Enumerable.Range(0, chunks), first);
        Assert.NotEqual(first, second);
        Assert.Equal(first, again);
    }

    [Fact]
    public void Scopes_nest_and_must_end_innermost_first_on_their_thread()
    {
        var outer = CpuParallel.ShuffledChunkOrder(seed: 1);
        var inner = CpuParallel.ShuffledChunkOrder(seed: 2);
        var error = Assert.Throws<InvalidOperationException>(outer.Dispose);
        Assert.Contains("innermost first", error.Message);
        inner.Dispose();
        Assert.True(CpuWorkers.IsShuffling);
        outer.Dispose();
        Assert.False(CpuWorkers.IsShuffling);
        // Back to the natural order (on one thread, so the positions are not interleaved by a worker).
        Assert.Equal(Enumerable.Range(0, 8), Record(8, ranges: false, threads: 1).Position);
    }

    /// <summary>Chunk c adds chunk c - 1's value to its own: a body whose chunks read what another one writes.</summary>
    private readonly struct PrefixSum(long[] values) : IChunkBody
    {
        public void Run(int chunk)
        {
            if (chunk > 0) values[chunk] += values[chunk - 1];
        }
    }

    [Fact]
    public void A_body_whose_chunks_depend_on_each_other_gives_other_results()
    {
        long[] Run(ulong? seed)
        {
            var values = Enumerable.Range(1, 64).Select(i => (long)i).ToArray();
            using (seed is { } s ? CpuParallel.ShuffledChunkOrder(s) : null) CpuWorkers.Run(values.Length, 1, new PrefixSum(values));
            return values;
        }

        var natural = Run(null);
        Assert.Equal(64 * 65 / 2, natural[^1]);
        Assert.NotEqual(natural, Run(1));
    }
}
