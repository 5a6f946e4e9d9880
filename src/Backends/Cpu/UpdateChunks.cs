using System.Buffers;

namespace GsdmCore.Backends.Cpu;

/// <summary>The update of <see cref="UpdateChunks.Run{TTarget, TUpdate}"/>: a target's element count, and the update of a chunk of it.</summary>
internal interface IChunkUpdate<in TTarget>
{
    /// <summary>Elements of <paramref name="target"/>.</summary>
    int Count(TTarget target);

    /// <summary>Updates the elements [<paramref name="start"/>, start + <paramref name="length"/>) of <paramref name="target"/>.</summary>
    void Update(TTarget target, int start, int length);
}

/// <summary>
/// The loop of the elementwise parameter updates (Adam, moving averages) over all of a model's parameters at once:
/// each target is cut into chunks of <see cref="Grain"/> elements and all chunks of all targets run in one parallel
/// loop (<see cref="CpuParallel.ForChunks{TBody}"/>). Each element's arithmetic is the same in any chunk (the vector and
/// scalar paths round alike), so the chunking changes no bits and the results do not depend on the thread count.
/// </summary>
internal static class UpdateChunks
{
    /// <summary>Elements per chunk: tens of microseconds of work, enough to pay for a hand-off.</summary>
    public const int Grain = 16384;

    /// <summary>Calls <paramref name="update"/>.Update(target, start, length) over every element of every target, chunk by chunk.</summary>
    public static void Run<TTarget, TUpdate>(ReadOnlySpan<TTarget> targets, TUpdate update) where TUpdate : struct, IChunkUpdate<TTarget>
    {
        var counts = ArrayPool<int>.Shared.Rent(targets.Length);
        var copied = ArrayPool<TTarget>.Shared.Rent(targets.Length);
        for (int i = 0; i < targets.Length; i++) counts[i] = update.Count(copied[i] = targets[i]);
        try
        {
            CpuParallel.ForChunks(counts.AsSpan(0, targets.Length), Grain, new TargetChunks<TTarget, TUpdate>(copied, update));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(counts);
            ArrayPool<TTarget>.Shared.Return(copied, clearArray: true);
        }
    }

    private readonly struct TargetChunks<TTarget, TUpdate>(TTarget[] targets, TUpdate update) : IChunkRangeBody
        where TUpdate : struct, IChunkUpdate<TTarget>
    {
        public void Run(ChunkRange chunk) => update.Update(targets[chunk.Target], chunk.Start, chunk.Length);
    }
}
