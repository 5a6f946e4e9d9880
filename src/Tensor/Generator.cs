namespace GsdmCore;

/// <summary>
/// A seeded source of random tensors backed by the counter-based Philox stream. Each draw reserves a
/// fresh range of the stream, so a sequence of draws gives the same numbers on every device and for any
/// thread count.
/// </summary>
public sealed class Generator
{
    /// <summary>The key of the stream.</summary>
    public ulong Seed { get; }

    /// <summary>Position of the next unused element of the stream.</summary>
    public ulong Offset { get; private set; }

    /// <summary>A generator at the start of stream <paramref name="seed"/>.</summary>
    public Generator(ulong seed, ulong offset = 0)
    {
        Seed = seed;
        Offset = offset;
    }

    /// <summary>Reserves <paramref name="count"/> elements and returns the offset of the first.</summary>
    public ulong Reserve(int count)
    {
        ulong start = Offset;
        // Round to whole Philox blocks so consecutive draws never share a block.
        Offset += ((ulong)count + 3) & ~3UL;
        return start;
    }
}
