namespace GsdmCore.Diffusion;

/// <summary>
/// A beta schedule with every derived quantity precomputed in float64. Timesteps are zero-based as in the
/// reference: step t in 0..T-1 holds beta[t] (the paper's beta_{t+1}), x_t ~ q(x_t | x0) =
/// N(sqrt(AlphaBar[t]) x0, (1 - AlphaBar[t]) I), and the posterior q(x_{t-1} | x_t, x0) steps to the previous
/// index, with t = -1 standing for the clean data (alpha-bar = 1).
/// </summary>
public sealed class GaussianSchedule
{
    private readonly double[] _betas, _alphas, _alphaBars, _alphaBarsPrev;
    private readonly double[] _posteriorVariance, _posteriorLogVariance, _posteriorCoefX0, _posteriorCoefXt;

    /// <summary>Builds the derived quantities of <paramref name="betas"/> (beta_1..beta_T, each in (0, 1]).</summary>
    public GaussianSchedule(IReadOnlyList<double> betas)
    {
        ArgumentNullException.ThrowIfNull(betas);
        if (betas.Count == 0) throw new ArgumentException("a schedule needs at least one beta.", nameof(betas));
        int n = betas.Count;
        _betas = betas.ToArray();
        _alphas = new double[n];
        _alphaBars = new double[n];
        _alphaBarsPrev = new double[n];
        _posteriorVariance = new double[n];
        _posteriorLogVariance = new double[n];
        _posteriorCoefX0 = new double[n];
        _posteriorCoefXt = new double[n];
        double abar = 1;
        for (int t = 0; t < n; t++)
        {
            double beta = _betas[t];
            if (!(beta > 0 && beta <= 1))
                throw new ArgumentOutOfRangeException(nameof(betas), $"beta[{t}] = {beta} is outside (0, 1].");
            _alphas[t] = 1 - beta;
            _alphaBarsPrev[t] = abar;
            abar *= 1 - beta;
            _alphaBars[t] = abar;
            var step = Step(_alphaBars[t], _alphaBarsPrev[t]);
            _posteriorVariance[t] = step.PosteriorVariance;
            _posteriorCoefX0[t] = step.MeanCoefX0;
            _posteriorCoefXt[t] = step.MeanCoefXt;
            // As the reference's "fixedsmall": the t = 0 variance is 0, so its log is clipped.
            _posteriorLogVariance[t] = Math.Log(Math.Max(step.PosteriorVariance, 1e-20));
        }
    }

    /// <summary>A schedule of <paramref name="kind"/> (defaults: the reference's linear 1e-4 to 0.005 over T = 1000).</summary>
    public static GaussianSchedule Create(BetaScheduleKind kind = BetaScheduleKind.Linear, int timesteps = BetaSchedules.DefaultTimesteps,
        double betaStart = BetaSchedules.DefaultBetaStart, double betaEnd = BetaSchedules.DefaultBetaEnd) =>
        new(BetaSchedules.Make(kind, timesteps, betaStart, betaEnd));

    /// <summary>The number of diffusion steps T.</summary>
    public int Timesteps => _betas.Length;
    /// <summary>beta[t].</summary>
    public IReadOnlyList<double> Betas => _betas;
    /// <summary>alpha[t] = 1 - beta[t].</summary>
    public IReadOnlyList<double> Alphas => _alphas;
    /// <summary>alpha-bar[t] = prod_{s &lt;= t} alpha[s].</summary>
    public IReadOnlyList<double> AlphaBars => _alphaBars;
    /// <summary>alpha-bar[t - 1], with 1 at t = 0.</summary>
    public IReadOnlyList<double> AlphaBarsPrev => _alphaBarsPrev;
    /// <summary>Variance of q(x_{t-1} | x_t, x0): beta[t] (1 - alpha-bar[t-1]) / (1 - alpha-bar[t]) (0 at t = 0).</summary>
    public IReadOnlyList<double> PosteriorVariance => _posteriorVariance;
    /// <summary>log of <see cref="PosteriorVariance"/>, clipped below at log(1e-20) as the reference does for t = 0.</summary>
    public IReadOnlyList<double> PosteriorLogVarianceClipped => _posteriorLogVariance;
    /// <summary>Coefficient of x0 in the posterior mean: sqrt(alpha-bar[t-1]) beta[t] / (1 - alpha-bar[t]).</summary>
    public IReadOnlyList<double> PosteriorMeanCoefX0 => _posteriorCoefX0;
    /// <summary>Coefficient of x_t in the posterior mean: sqrt(alpha[t]) (1 - alpha-bar[t-1]) / (1 - alpha-bar[t]).</summary>
    public IReadOnlyList<double> PosteriorMeanCoefXt => _posteriorCoefXt;

    /// <summary>alpha-bar at <paramref name="t"/>, with 1 for t = -1 (the data).</summary>
    public double AlphaBarAt(int t)
    {
        if (t < -1 || t >= Timesteps)
            throw new ArgumentOutOfRangeException(nameof(t), $"timestep {t} is outside -1..{Timesteps - 1}.");
        return t < 0 ? 1 : _alphaBars[t];
    }

    /// <summary>
    /// The coefficients of the (possibly strided) step from <paramref name="t"/> to <paramref name="tPrev"/> &lt; t
    /// (-1 for the data), as the reference's <c>ddpm_steps</c>: beta = 1 - alpha-bar[t] / alpha-bar[tPrev].
    /// For tPrev = t - 1 they are the posterior quantities above.
    /// </summary>
    public StepCoefficients Step(int t, int tPrev)
    {
        if (t < 0 || t >= Timesteps)
            throw new ArgumentOutOfRangeException(nameof(t), $"timestep {t} is outside 0..{Timesteps - 1}.");
        if (tPrev > t)
            throw new ArgumentOutOfRangeException(nameof(tPrev), $"a reverse step goes down in time, got {t} -> {tPrev}.");
        return Step(AlphaBarAt(t), AlphaBarAt(tPrev));
    }

    private static StepCoefficients Step(double abar, double abarPrev)
    {
        double beta = 1 - abar / abarPrev;
        double denom = 1 - abar;
        return new StepCoefficients(
            AlphaBar: abar,
            AlphaBarPrev: abarPrev,
            Beta: beta,
            MeanCoefX0: Math.Sqrt(abarPrev) * beta / denom,
            MeanCoefXt: Math.Sqrt(1 - beta) * (1 - abarPrev) / denom,
            PosteriorVariance: beta * (1 - abarPrev) / denom);
    }

    /// <summary>
    /// Per-timestep weights that turn the summed squared error into the ELBO's KL term (fixedlarge reverse
    /// variance sigma^2 = beta): for x0-prediction alpha-bar[t-1] beta[t] / (2 (1 - alpha-bar[t])^2); for
    /// eps-prediction beta[t] / (2 alpha[t] (1 - alpha-bar[t])) (the reference's <c>elbo_weighting</c>).
    /// At t = 0 both give the decoder's 1 / (2 beta[0]) and 1 / (2 alpha[0]).
    /// </summary>
    public double[] ElboLossWeights(Prediction prediction)
    {
        var w = new double[Timesteps];
        for (int t = 0; t < Timesteps; t++)
        {
            double beta = _betas[t], abar = _alphaBars[t];
            w[t] = prediction switch
            {
                Prediction.X0 => _alphaBarsPrev[t] * beta / (2 * (1 - abar) * (1 - abar)),
                Prediction.Eps => beta / (2 * _alphas[t] * (1 - abar)),
                _ => throw new ArgumentOutOfRangeException(nameof(prediction), prediction, "unknown parameterisation."),
            };
        }
        return w;
    }
}
