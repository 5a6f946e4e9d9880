using System.Buffers;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// The loop of the elementwise parameter updates (Adam, moving averages) over all of a model's parameters at once:
/// each target is cut into chunks of <see cref="Grain"/> elements and all chunks of all targets run in one parallel
/// loop (<see cref="CpuParallel.ForChunks"/>). Each element's arithmetic is the same in any chunk (the vector and
/// scalar paths round alike), so the chunking changes no bits and the results do not depend on the thread count.
/// </summary>
internal static class UpdateChunks
{
    /// <summary>Elements per chunk: tens of microseconds of work, enough to pay for a hand-off.</summary>
    public const int Grain = 16384;

    /// <summary>Calls <paramref name="update"/>(target, start, length) over every element of every target, chunk by chunk.</summary>
    public static void Run<TTarget>(ReadOnlySpan<TTarget> targets, Func<TTarget, int> count, Action<TTarget, int, int> update)
    {
        var counts = ArrayPool<int>.Shared.Rent(targets.Length);
        var copied = ArrayPool<TTarget>.Shared.Rent(targets.Length);
        for (int i = 0; i < targets.Length; i++) counts[i] = count(copied[i] = targets[i]);
        try
        {
            CpuParallel.ForChunks(counts.AsSpan(0, targets.Length), Grain, chunk => update(copied[chunk.Target], chunk.Start, chunk.Length));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(counts);
            ArrayPool<TTarget>.Shared.Return(copied, clearArray: true);
        }
    }
}
