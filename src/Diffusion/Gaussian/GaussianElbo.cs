using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>
/// The variational lower bound of a Gaussian diffusion (the reference's <c>ddpm_elbo</c>), with the
/// reference's fixedlarge reverse variance beta[t]. For each datum, over its unobserved entries:
/// <list type="bullet">
/// <item>the KL terms KL(q(x_{t-1} | x_t, x0) || p(x_{t-1} | x_t)) for t = 1..T-1, each at one draw of
/// x_t ~ q(x_t | x0); with the same variances only the means differ:
/// 0.5 log(beta/v_q) + v_q/(2 beta) - 0.5 + c0^2 (x0 - x0_hat)^2 / (2 beta);</item>
/// <item>the prior term KL(q(x_{T-1} | x0) || N(0, I));</item>
/// <item>the decoder term at t = 0, whose reverse mean is x0_hat itself: log N(x0; x0_hat, beta[0]) on
/// continuous entries, and on each one-hot categorical slice the log of the predicted value at the true class
/// (the denoiser's output there is a probability vector, e.g. a softmax), floored at -1e10 as the reference
/// clamps it.</item>
/// </list>
/// The reference evaluates every t; <c>klTimesteps</c> may instead evaluate a budget of KL terms for speed:
/// the smallest half of the budget exactly (the terms concentrate at small t) and a uniform random subset of
/// the remaining timesteps, scaled up: an unbiased stratified estimate of the sum.
/// </summary>
public sealed class GaussianElbo
{
    /// <summary>The floor on a categorical log-probability (the reference's <c>clamp(min=-1e10)</c>).</summary>
    public const double LogProbFloor = -1e10;

    /// <summary>An evaluator for <paramref name="diffusion"/> on data laid out as <paramref name="layout"/>.</summary>
    public GaussianElbo(GaussianDiffusion diffusion, DatumLayout layout)
    {
        Diffusion = diffusion ?? throw new ArgumentNullException(nameof(diffusion));
        Layout = layout ?? throw new ArgumentNullException(nameof(layout));
    }

    /// <summary>The process.</summary>
    public GaussianDiffusion Diffusion { get; }
    /// <summary>Which entries are categorical.</summary>
    public DatumLayout Layout { get; }

    /// <summary>
    /// The bound for the batch <paramref name="x0"/> [batch, D] (one-hot in categorical slices), drawing each x_t
    /// from <paramref name="generator"/>. Entries where <paramref name="observedMask"/> is 1 are observed: the
    /// denoiser sees them and they are left out of every term. <paramref name="klTimesteps"/>: null evaluates
    /// every KL term (the reference), a number is the budget of the stratified estimate described above. Runs
    /// without gradients, one scope per timestep.
    /// </summary>
    public ElboResult Evaluate(IDenoiser denoiser, Tensor x0, Generator generator, Tensor? observedMask = null, int? klTimesteps = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(generator);
        if (x0.Rank != 2 || x0.Dim(1) != Layout.Dim)
            throw new TensorShapeException("elbo", $"data {Backends.Layout.Format(x0.Shape)} must be [batch, {Layout.Dim}] for this layout.");
        var schedule = Diffusion.Schedule;
        int batch = x0.Dim(0), dim = Layout.Dim, steps = Diffusion.Timesteps;
        var (ts, klWeights) = KlTimesteps(steps, klTimesteps, generator);

        using (GradMode.Disable())
        {
            var observation = new Observation(observedMask ?? x0.ZerosLike(), x0);
            var data = x0.ToArray<double>();
            var latent = observation.Mask.ToArray<double>().Select(m => m == 0).ToArray();
            var latentCount = new int[batch];
            for (int i = 0; i < batch * dim; i++) if (latent[i]) latentCount[i / dim]++;

            // Decoder term at t = 0.
            var x0Hat = PredictAt(denoiser, x0, 0, observation, generator);
            var (continuous, discrete) = Decoder(data, x0Hat, latent, batch, schedule.Betas[0]);

            // KL terms for t = 1..T-1.
            var klSum = new double[batch];
            var klByTimestep = new Dictionary<int, double>();
            for (int k = 0; k < ts.Length; k++)
            {
                int t = ts[k];
                x0Hat = PredictAt(denoiser, x0, t, observation, generator);
                var step = schedule.Step(t, t - 1);
                double vp = step.Beta, vq = step.PosteriorVariance;
                double perEntry = 0.5 * Math.Log(vp / vq) + vq / (2 * vp) - 0.5;
                double meanScale = step.MeanCoefX0 * step.MeanCoefX0 / (2 * vp);
                double mean = 0;
                for (int b = 0; b < batch; b++)
                {
                    double sq = 0;
                    for (int d = b * dim; d < (b + 1) * dim; d++)
                        if (latent[d]) sq += (data[d] - x0Hat[d]) * (data[d] - x0Hat[d]);
                    double kl = latentCount[b] * perEntry + meanScale * sq;
                    klSum[b] += klWeights[k] * kl;
                    mean += kl / batch;
                }
                klByTimestep[t] = mean;
            }

            // Prior term KL(N(sqrt(abar) x0, 1 - abar) || N(0, 1)).
            double abar = schedule.AlphaBars[steps - 1];
            var klPrior = new double[batch];
            for (int i = 0; i < batch * dim; i++)
                if (latent[i]) klPrior[i / dim] += GaussianMath.Kl(Math.Sqrt(abar) * data[i], 1 - abar, 0, 1);

            var elbo = new double[batch];
            for (int b = 0; b < batch; b++) elbo[b] = continuous[b] + discrete[b] - klSum[b] - klPrior[b];
            return new ElboResult
            {
                Elbo = elbo.Average(),
                Likelihood = continuous.Average() + discrete.Average(),
                DiscreteLikelihood = discrete.Average(),
                KlSum = klSum.Average(),
                KlPrior = klPrior.Average(),
                ElboPerDatum = elbo,
                KlByTimestep = klByTimestep,
            };
        }
    }

    /// <summary>The denoiser's x0 estimate from one draw of x_t ~ q(x_t | x0), as float64 values.</summary>
    private double[] PredictAt(IDenoiser denoiser, Tensor x0, int t, Observation observation, Generator generator)
    {
        using (TensorScope.Begin())
        {
            var noise = Tensor.Randn(x0.Shape, generator, x0.DType);
            var xt = Diffusion.QSample(x0, t, noise);
            return Diffusion.PredictX0(denoiser, xt, Enumerable.Repeat(t, x0.Dim(0)).ToArray(), observation).ToArray<double>();
        }
    }

    private (double[] Continuous, double[] Discrete) Decoder(double[] data, double[] x0Hat, bool[] latent, int batch, double variance)
    {
        int dim = Layout.Dim;
        var continuous = new double[batch];
        var discrete = new double[batch];
        for (int b = 0; b < batch; b++)
        {
            int row = b * dim;
            for (int d = 0; d < dim; d++)
                if (Layout.IsContinuous(d) && latent[row + d])
                    continuous[b] += GaussianMath.LogProb(data[row + d], x0Hat[row + d], variance);
            foreach (var slice in Layout.Categorical)
                for (int k = slice.Offset; k < slice.Offset + slice.Classes; k++)
                    if (latent[row + k] && data[row + k] != 0)
                        discrete[b] += data[row + k] * SafeLog(x0Hat[row + k]);
        }
        return (continuous, discrete);
    }

    private static double SafeLog(double p) => p > 0 ? Math.Max(Math.Log(p), LogProbFloor) : LogProbFloor;

    /// <summary>
    /// The KL timesteps and the weight of each: every t in 1..T-1 with weight 1, or for a budget of
    /// <paramref name="count"/> a stratified estimate: the smallest count/2 timesteps (where the KL terms
    /// concentrate) exactly, and a uniform random subset of the rest, each weighted by (rest size) / (subset size).
    /// </summary>
    private static (int[] Steps, double[] Weights) KlTimesteps(int steps, int? count, Generator generator)
    {
        var all = Enumerable.Range(1, steps - 1).ToArray();
        if (count is null || count.Value >= all.Length) return (all, all.Select(_ => 1.0).ToArray());
        if (count.Value < 1) throw new ArgumentOutOfRangeException(nameof(count), $"evaluate at least one KL term, got {count}.");
        int exact = count.Value / 2, sampled = count.Value - exact;
        var rest = all[exact..];
        ulong start = generator.Reserve(sampled);
        for (int i = 0; i < sampled; i++)
        {
            int j = i + Math.Min((int)(Philox.Uniform(generator.Seed, start + (ulong)i) * (rest.Length - i)), rest.Length - i - 1);
            (rest[i], rest[j]) = (rest[j], rest[i]);
        }
        double scale = (double)rest.Length / sampled;
        var chosen = all[..exact].Concat(rest.Take(sampled).Order()).ToArray();
        return (chosen, chosen.Select(t => t <= exact ? 1.0 : scale).ToArray());
    }
}
