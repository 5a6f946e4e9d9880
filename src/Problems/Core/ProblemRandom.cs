using GsdmCore.Backends;

namespace GsdmCore.Problems;

/// <summary>
/// A seeded, counter-based random stream for data generation (Philox4x32-10). Stream (seed, item) is independent
/// of every other item, so datum b of a batch is the same whatever the batch size or the order of generation.
/// </summary>
public sealed class ProblemRandom
{
    private readonly ulong _seed;
    private readonly ulong _base;
    private ulong _next;

    /// <summary>The stream of datum <paramref name="item"/> under <paramref name="seed"/>.</summary>
    public ProblemRandom(ulong seed, ulong item = 0)
    {
        _seed = seed;
        _base = item << 36; // 2^36 words per item
    }

    /// <summary>The next uniformly distributed 32-bit word.</summary>
    public uint NextUInt() => Philox.Word(_seed, _base + _next++);

    /// <summary>A uniform double on [0, 1) with 53 random bits.</summary>
    public double NextDouble()
    {
        ulong hi = NextUInt() >> 5, lo = NextUInt() >> 6;
        return (hi * 67108864.0 + lo) * (1.0 / 9007199254740992.0);
    }

    /// <summary>A uniform integer in 0 .. <paramref name="count"/> - 1, without modulo bias (Lemire's method).</summary>
    public int NextInt(int count)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), $"need a positive count, got {count}.");
        uint range = (uint)count;
        ulong product = (ulong)NextUInt() * range;
        if ((uint)product < range)
        {
            uint threshold = (0u - range) % range;
            while ((uint)product < threshold) product = (ulong)NextUInt() * range;
        }
        return (int)(product >> 32);
    }

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>A standard normal value (Box-Muller).</summary>
    public double Normal()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher-Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A uniformly random permutation of 0 .. <paramref name="count"/> - 1.</summary>
    public int[] Permutation(int count)
    {
        var p = Enumerable.Range(0, count).ToArray();
        Shuffle<int>(p);
        return p;
    }
}
