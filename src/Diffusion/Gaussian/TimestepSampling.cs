using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>Draws the training timesteps of a batch.</summary>
public static class TimestepSampling
{
    /// <summary>
    /// Antithetic timesteps: the first ceil(batch/2) items get t ~ U{0..T-1}, and item i + ceil(batch/2) gets
    /// T - 1 - t_i, so the two halves pair t with T - 1 - t.
    /// </summary>
    public static int[] Antithetic(int batch, int timesteps, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        int half = (batch + 1) / 2;
        var drawn = Uniform(half, timesteps, generator);
        var t = new int[batch];
        for (int i = 0; i < batch; i++) t[i] = i < half ? drawn[i] : timesteps - 1 - drawn[i - half];
        return t;
    }

    /// <summary><paramref name="count"/> independent draws from U{0..T-1}.</summary>
    public static int[] Uniform(int count, int timesteps, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (timesteps < 1) throw new ArgumentOutOfRangeException(nameof(timesteps), $"need at least one timestep, got {timesteps}.");
        ulong start = generator.Reserve(count);
        var t = new int[count];
        for (int i = 0; i < count; i++)
            t[i] = Math.Min((int)(Philox.Uniform(generator.Seed, start + (ulong)i) * timesteps), timesteps - 1);
        return t;
    }
}
