using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>
/// Evaluates the variational bound of a <see cref="CategoricalDiffusion"/> on data: for each timestep one draw
/// x_t ~ q(x_t | x0), then KL(q(x_{t-1} | x_t, x0) || p(x_{t-1} | x_t)) over the latent categorical nodes.
/// </summary>
public sealed class CategoricalElbo
{
    /// <summary>An evaluator for <paramref name="diffusion"/>.</summary>
    public CategoricalElbo(CategoricalDiffusion diffusion) =>
        Diffusion = diffusion ?? throw new ArgumentNullException(nameof(diffusion));

    /// <summary>The process evaluated.</summary>
    public CategoricalDiffusion Diffusion { get; }

    /// <summary>
    /// The bound for <paramref name="x0"/> [B, D]. <paramref name="timesteps"/>: the one-based steps to evaluate (default
    /// all 1..T); with a subset the sum over t = 2..T is scaled up from the evaluated steps t &gt;= 2 (the decoder term
    /// needs t = 1 in the subset). Draws from <paramref name="generator"/>; runs without gradients.
    /// </summary>
    public CategoricalElboResult Evaluate(IDenoiser denoiser, Tensor x0, Generator generator, Observation? observation = null,
        IReadOnlyList<int>? timesteps = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(generator);
        var d = Diffusion;
        int batch = x0.Dim(0), T = d.Timesteps;
        var steps = (timesteps ?? Enumerable.Range(1, T).ToArray()).Distinct().OrderBy(s => s).ToArray();
        if (steps.Length == 0 || steps[0] < 1 || steps[^1] > T)
            throw new ArgumentOutOfRangeException(nameof(timesteps), $"steps must lie in 1..{T}.");
        using var noGrad = GradMode.Disable();
        var obs = observation ?? Observation.None(batch, x0.Dim(1), x0.DType);
        var perItem = new double[batch];
        var byStep = new Dictionary<int, double>();
        double decoder = 0, klSum = 0, prior = 0;
        int later = steps.Count(s => s >= 2);
        double scale = later == 0 ? 0 : (T - 1) / (double)later;
        using (TensorScope.Begin())
        {
            var p = Sum(d, group => d.PriorKl(d.ToStates(group.Gather(x0))), obs);
            for (int b = 0; b < batch; b++) perItem[b] += p[b];
            prior = p.Average();
        }
        foreach (int t in steps)
        {
            using var scope = TensorScope.Begin();
            var ts = Enumerable.Repeat(t, batch).ToArray();
            var ss = Enumerable.Repeat(t - 1, batch).ToArray();
            var uniforms = Tensor.Rand(x0.Shape, generator, x0.DType);
            var noise = d.HasContinuous ? Tensor.Randn(x0.Shape, generator, x0.DType) : null;
            var xt = d.QSample(x0, ts, uniforms, noise);
            var x0Hat = d.PredictX0(denoiser, xt, ts, obs);
            var kl = Sum(d, group =>
            {
                var xtStates = d.ToStates(group.Gather(xt));
                var logQ = d.LogPosterior(xtStates, d.ToStates(group.Gather(x0)), ss, ts);
                var logP = d.LogPosterior(xtStates, d.ProbabilitiesToStates(group.Gather(x0Hat)), ss, ts);
                return CategoricalDiffusion.Kl(logQ, logP);
            }, obs);
            double weight = t == 1 ? 1 : scale;
            for (int b = 0; b < batch; b++) perItem[b] += weight * kl[b];
            byStep[t] = kl.Average();
            if (t == 1) decoder = kl.Average();
            else klSum += scale * kl.Average();
        }
        double nats = perItem.Average();
        var latentNodes = LatentNodes(d, obs);
        return new CategoricalElboResult
        {
            NatsPerDatum = nats,
            BitsPerDimension = latentNodes > 0 ? nats / latentNodes / Math.Log(2) : 0,
            Decoder = decoder,
            KlSum = klSum,
            KlPrior = prior,
            NatsPerItem = perItem,
            KlByTimestep = byStep,
        };
    }

    /// <summary>Per datum: the sum over latent categorical nodes of <paramref name="perNode"/> [B, n] of each group.</summary>
    private static double[] Sum(CategoricalDiffusion d, Func<CategoricalGroup, Tensor> perNode, Observation obs)
    {
        var total = new double[obs.Batch];
        foreach (var group in d.Groups)
        {
            var v = (perNode(group) * (1.0 - group.PerNode(obs.Mask))).Sum(1).ToArray<double>();
            for (int b = 0; b < total.Length; b++) total[b] += v[b];
        }
        return total;
    }

    /// <summary>The mean number of latent (unobserved) categorical nodes per datum.</summary>
    private static double LatentNodes(CategoricalDiffusion d, Observation obs)
    {
        double n = 0;
        foreach (var group in d.Groups) n += (1.0 - group.PerNode(obs.Mask)).Sum().Item();
        return n / obs.Batch;
    }
}
