namespace GsdmCore.Diffusion;

/// <summary>
/// The increasing timesteps a sampler visits (it walks them from last to first), as the reference's
/// <c>Diffusion.sample</c> builds them from <c>--timesteps</c> and <c>--skip_type</c>.
/// </summary>
public static class TimestepSequence
{
    /// <summary>Every step 0..T-1 (the reference default: 1000 steps).</summary>
    public static int[] All(int timesteps) => Uniform(timesteps, timesteps);

    /// <summary>"uniform" skip: 0, k, 2k, ... below T with k = T / steps (integer division).</summary>
    public static int[] Uniform(int timesteps, int steps)
    {
        Validate(timesteps, steps);
        int skip = timesteps / steps;
        var seq = new List<int>();
        for (int t = 0; t < timesteps; t += skip) seq.Add(t);
        return seq.ToArray();
    }

    /// <summary>
    /// "quad" skip: floor(s_i^2) with s evenly spaced on [0, sqrt(0.8 T)] over <paramref name="steps"/> points
    /// (early steps may repeat, as in the reference; a repeated step is a no-op).
    /// </summary>
    public static int[] Quadratic(int timesteps, int steps)
    {
        Validate(timesteps, steps);
        return BetaSchedules.Linspace(0, Math.Sqrt(timesteps * 0.8), steps).Select(s => (int)(s * s)).ToArray();
    }

    /// <summary>Throws unless <paramref name="sequence"/> is non-decreasing within 0..T-1.</summary>
    public static void Validate(IReadOnlyList<int> sequence, int timesteps)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        if (sequence.Count == 0) throw new ArgumentException("a timestep sequence needs at least one step.", nameof(sequence));
        for (int i = 0; i < sequence.Count; i++)
        {
            if (sequence[i] < 0 || sequence[i] >= timesteps)
                throw new ArgumentOutOfRangeException(nameof(sequence), $"step {i} is timestep {sequence[i]}, outside 0..{timesteps - 1}.");
            if (i > 0 && sequence[i] < sequence[i - 1])
                throw new ArgumentException($"timesteps must not decrease: {sequence[i - 1]} then {sequence[i]}.", nameof(sequence));
        }
    }

    private static void Validate(int timesteps, int steps)
    {
        if (timesteps < 1) throw new ArgumentOutOfRangeException(nameof(timesteps), $"need at least one timestep, got {timesteps}.");
        if (steps < 1 || steps > timesteps)
            throw new ArgumentOutOfRangeException(nameof(steps), $"the number of sampling steps must be in 1..{timesteps}, got {steps}.");
    }
}
