namespace GsdmCore.Diffusion;

/// <summary>
/// The noise schedule of a categorical diffusion, with one-based timesteps t = 1..T: alpha_t = 1 - beta_t is the
/// probability of keeping the state at step t, and alpha-bar_t = alpha_1 ... alpha_t (alpha-bar_0 = 1) the probability
/// of keeping x0 until t. Everything is stored in float64.
/// </summary>
public sealed class CategoricalSchedule
{
    private readonly double[] _alphaBar;

    private CategoricalSchedule(CategoricalScheduleKind kind, double[] alphaBar)
    {
        Kind = kind;
        _alphaBar = alphaBar;
    }

    /// <summary>Which formula built the schedule.</summary>
    public CategoricalScheduleKind Kind { get; }
    /// <summary>The number of diffusion steps T.</summary>
    public int Timesteps => _alphaBar.Length - 1;

    /// <summary>alpha-bar_t for t = 0..T (alpha-bar_0 = 1).</summary>
    public double AlphaBar(int t)
    {
        if (t < 0 || t > Timesteps) throw new ArgumentOutOfRangeException(nameof(t), $"timestep {t} is outside 0..{Timesteps}.");
        return _alphaBar[t];
    }

    /// <summary>alpha_t = alpha-bar_t / alpha-bar_{t-1} for t = 1..T (1 - beta_t).</summary>
    public double Alpha(int t) => AlphaBetween(t - 1, t);

    /// <summary>
    /// The probability of keeping the state from step s to step t (s &lt; t), alpha-bar_t / alpha-bar_s: the
    /// cumulative transition between s and t is (this) I + (1 - this) (the noise distribution).
    /// </summary>
    public double AlphaBetween(int s, int t)
    {
        if (s < 0 || s >= t || t > Timesteps) throw new ArgumentOutOfRangeException(nameof(s), $"need 0 <= s < t <= {Timesteps}, got s = {s}, t = {t}.");
        double a = _alphaBar[s] > 0 ? _alphaBar[t] / _alphaBar[s] : 0;
        return Math.Clamp(a, 0, 1);
    }

    /// <summary>
    /// Hoogeboom's cosine schedule: f(t) = cos^2(((t / T + s) / (1 + s)) pi / 2), per-step alpha_t = sqrt(clip(f(t) /
    /// f(t - 1), 0.001, 1)) (as the reference code: cos^2 ratios clipped, then square-rooted), alpha-bar the cumulative
    /// product. For T = 1000: alpha-bar_1 = 0.99998, alpha-bar_500 = 0.7027, alpha-bar_1000 = 4.9e-5.
    /// </summary>
    public static CategoricalSchedule Cosine(int timesteps = 1000, double s = 0.008)
    {
        Validate(timesteps);
        double F(int t) => Math.Pow(Math.Cos((t / (double)timesteps + s) / (1 + s) * Math.PI / 2), 2);
        var alphas = new double[timesteps];
        for (int t = 1; t <= timesteps; t++) alphas[t - 1] = Math.Sqrt(Math.Clamp(F(t) / F(t - 1), 0.001, 1));
        return FromAlphas(CategoricalScheduleKind.Cosine, alphas);
    }

    /// <summary>Linear betas from <paramref name="betaStart"/> to <paramref name="betaEnd"/> over T steps.</summary>
    public static CategoricalSchedule Linear(int timesteps = 1000, double betaStart = 1e-4, double betaEnd = 0.02)
    {
        Validate(timesteps);
        if (!(betaStart is >= 0 and <= 1) || !(betaEnd is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(betaStart), $"betas must lie in [0, 1], got {betaStart} to {betaEnd}.");
        var alphas = BetaSchedules.Linspace(betaStart, betaEnd, timesteps).Select(b => 1 - b).ToArray();
        return FromAlphas(CategoricalScheduleKind.Linear, alphas);
    }

    /// <summary>D3PM's absorbing schedule beta_t = 1 / (T - t + 1): alpha-bar_t = 1 - t / T exactly, alpha-bar_T = 0.</summary>
    public static CategoricalSchedule MutualInformation(int timesteps = 1000)
    {
        Validate(timesteps);
        var alphaBar = new double[timesteps + 1];
        for (int t = 0; t <= timesteps; t++) alphaBar[t] = 1 - t / (double)timesteps;
        return new CategoricalSchedule(CategoricalScheduleKind.MutualInformation, alphaBar);
    }

    /// <summary>The default schedule of a process: cosine for multinomial, 1 / (T - t + 1) for absorbing.</summary>
    public static CategoricalSchedule Default(DiffusionKind kind, int timesteps = 1000) =>
        kind == DiffusionKind.Absorbing ? MutualInformation(timesteps) : Cosine(timesteps);

    private static CategoricalSchedule FromAlphas(CategoricalScheduleKind kind, double[] alphas)
    {
        var alphaBar = new double[alphas.Length + 1];
        alphaBar[0] = 1;
        for (int t = 1; t <= alphas.Length; t++) alphaBar[t] = alphaBar[t - 1] * alphas[t - 1];
        return new CategoricalSchedule(kind, alphaBar);
    }

    private static void Validate(int timesteps)
    {
        if (timesteps < 1) throw new ArgumentOutOfRangeException(nameof(timesteps), $"need at least one timestep, got {timesteps}.");
    }
}
