namespace GsdmCore.Diffusion.Training;

/// <summary>
/// The random streams of one training step, a pure function of (seed, step): the data batch and the diffusion draws
/// (noise, timesteps) of step s never depend on earlier steps, so a resumed run draws exactly what a straight run does.
/// </summary>
public static class StepSeeds
{
    /// <summary>The seed of step <paramref name="step"/>'s data batch.</summary>
    public static ulong Data(ulong seed, int step) => Mix(seed, (ulong)step, 0x44415441UL);

    /// <summary>The seed of step <paramref name="step"/>'s noise and timesteps.</summary>
    public static ulong Noise(ulong seed, int step) => Mix(seed, (ulong)step, 0x4E4F4953UL);

    private static ulong Mix(ulong seed, ulong step, ulong stream)
    {
        ulong z = seed ^ (step * 0x9E3779B97F4A7C15UL) ^ (stream << 32);
        // SplitMix64's finaliser, applied twice.
        for (int i = 0; i < 2; i++)
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
        }
        return z;
    }
}
