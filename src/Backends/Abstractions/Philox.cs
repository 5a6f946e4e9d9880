using System.Runtime.CompilerServices;

namespace GsdmCore.Backends;

/// <summary>
/// Philox4x32-10 (Salmon et al., SC'11): a counter-based generator. Element i of a stream with a given
/// (seed, offset) depends only on seed and offset + i, so any backend, thread count or chunking gives the
/// same numbers.
/// </summary>
public static class Philox
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>The four 32-bit outputs for counter <paramref name="counter"/> under key <paramref name="seed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint, uint, uint, uint) Block(ulong seed, ulong counter)
    {
        uint c0 = (uint)counter, c1 = (uint)(counter >> 32), c2 = 0, c3 = 0;
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0, n1 = (uint)p1;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1, n3 = (uint)p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            k0 += W0; k1 += W1;
        }
        return (c0, c1, c2, c3);
    }

    /// <summary>The 32-bit word for element <paramref name="index"/> of stream (seed, 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Word(ulong seed, ulong index)
    {
        var (a, b, c, d) = Block(seed, index >> 2);
        return (index & 3) switch { 0 => a, 1 => b, 2 => c, _ => d };
    }

    /// <summary>Uniform double on [0, 1) from a 32-bit word (24 significant bits, exact in float32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToUnit(uint word) => (word >> 8) * (1.0 / 16777216.0);

    /// <summary>Uniform element <paramref name="index"/> on [0, 1).</summary>
    public static double Uniform(ulong seed, ulong index) => ToUnit(Word(seed, index));

    /// <summary>
    /// Standard normal element <paramref name="index"/>: Box-Muller on the pair of words (2j, 2j+1) of block
    /// index/2, giving the cosine branch to even and the sine branch to odd indices.
    /// </summary>
    public static double Normal(ulong seed, ulong index)
    {
        ulong pair = index >> 1;
        var (a, b, c, d) = Block(seed, pair >> 1);
        bool upper = (pair & 1) != 0;
        uint w1 = upper ? c : a, w2 = upper ? d : b;
        double u1 = ((w1 >> 8) + 1) * (1.0 / 16777216.0); // (0, 1]: log is finite
        double u2 = ToUnit(w2);
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double angle = 2.0 * Math.PI * u2;
        return (index & 1) == 0 ? r * Math.Cos(angle) : r * Math.Sin(angle);
    }
}
