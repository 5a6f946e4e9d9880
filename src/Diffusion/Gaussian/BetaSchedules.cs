namespace GsdmCore.Diffusion;

/// <summary>The beta schedules of the reference (<c>runners/diffusion.py</c> <c>get_beta_schedule</c>), in float64.</summary>
public static class BetaSchedules
{
    /// <summary>The reference default start of the linear schedule.</summary>
    public const double DefaultBetaStart = 1e-4;
    /// <summary>The reference default end of the linear schedule (GSDM's configs, not DDPM's 0.02).</summary>
    public const double DefaultBetaEnd = 0.005;
    /// <summary>The reference default number of diffusion steps.</summary>
    public const int DefaultTimesteps = 1000;
    /// <summary>The cap on each beta of the cosine schedule (Nichol &amp; Dhariwal).</summary>
    public const double CosineMaxBeta = 0.999;
    /// <summary>The offset s of the cosine schedule.</summary>
    public const double CosineOffset = 0.008;

    /// <summary>beta_1..beta_T (index 0 holds beta_1) for <paramref name="kind"/>.</summary>
    public static double[] Make(BetaScheduleKind kind, int timesteps = DefaultTimesteps,
        double betaStart = DefaultBetaStart, double betaEnd = DefaultBetaEnd)
    {
        if (timesteps < 1)
            throw new ArgumentOutOfRangeException(nameof(timesteps), $"a schedule needs at least one step, got {timesteps}.");
        var betas = kind switch
        {
            BetaScheduleKind.Linear => Linspace(betaStart, betaEnd, timesteps),
            BetaScheduleKind.Quad => Linspace(Math.Sqrt(betaStart), Math.Sqrt(betaEnd), timesteps).Select(b => b * b).ToArray(),
            BetaScheduleKind.Const => Enumerable.Repeat(betaEnd, timesteps).ToArray(),
            BetaScheduleKind.Jsd => Linspace(timesteps, 1, timesteps).Select(v => 1.0 / v).ToArray(),
            BetaScheduleKind.Sigmoid => Linspace(-6, 6, timesteps)
                .Select(v => 1.0 / (Math.Exp(-v) + 1.0) * (betaEnd - betaStart) + betaStart).ToArray(),
            BetaScheduleKind.Cosine => Cosine(timesteps),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown beta schedule."),
        };
        foreach (double b in betas)
            if (!(b > 0 && b <= 1))
                throw new ArgumentOutOfRangeException(nameof(betaStart), $"the {kind} schedule gave beta = {b}; every beta must lie in (0, 1].");
        return betas;
    }

    /// <summary>The cosine schedule's alpha-bar at continuous time s in [0, 1], before normalising by its value at 0.</summary>
    public static double CosineAlphaBar(double s)
    {
        double c = Math.Cos((s + CosineOffset) / (1 + CosineOffset) * Math.PI / 2);
        return c * c;
    }

    private static double[] Cosine(int timesteps)
    {
        var betas = new double[timesteps];
        for (int i = 0; i < timesteps; i++)
        {
            double ratio = CosineAlphaBar((i + 1.0) / timesteps) / CosineAlphaBar((double)i / timesteps);
            betas[i] = Math.Min(1 - ratio, CosineMaxBeta);
        }
        return betas;
    }

    /// <summary>numpy.linspace with the end point: start + i * (stop - start) / (count - 1), the last element exactly stop.</summary>
    internal static double[] Linspace(double start, double stop, int count)
    {
        var values = new double[count];
        if (count == 1)
        {
            values[0] = start;
            return values;
        }
        double step = (stop - start) / (count - 1);
        for (int i = 0; i < count; i++) values[i] = i * step + start;
        values[^1] = stop;
        return values;
    }
}
