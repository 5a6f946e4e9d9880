using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>
/// Ancestral sampling of a <see cref="CategoricalDiffusion"/>: x_T from the stationary distribution (uniform classes,
/// or every node masked; continuous entries N(0, I)), then per step t -> s: x0_hat from the network, categorical nodes
/// drawn from p(x_s | x_t) = Cat(theta_post(x_t, x0_hat)) with the cumulative transition between s and t (so strided
/// sequences skip steps exactly), continuous entries by the DDPM step (large variance, no noise at the last step).
/// Observed entries are clamped after every step. Each categorical node uses one uniform per step, the entry of the
/// uniform draw [B, D] at its slice's first column, so permuting the draws permutes the samples.
/// </summary>
public sealed class CategoricalSampler
{
    /// <summary>A sampler of <paramref name="diffusion"/>.</summary>
    public CategoricalSampler(CategoricalDiffusion diffusion) =>
        Diffusion = diffusion ?? throw new ArgumentNullException(nameof(diffusion));

    /// <summary>The process sampled from.</summary>
    public CategoricalDiffusion Diffusion { get; }

    /// <summary>Draws <paramref name="batch"/> samples with every random number from <paramref name="generator"/>.</summary>
    public Tensor Sample(IDenoiser denoiser, int batch, Generator generator, Observation? observation = null,
        IReadOnlyList<int>? timesteps = null, DType dtype = DType.F32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return Sample(denoiser, batch, new GeneratorUniform(generator), new GeneratorNoise(generator), observation, timesteps, dtype);
    }

    /// <summary>
    /// Draws <paramref name="batch"/> samples [batch, D]. <paramref name="timesteps"/> is an increasing zero-based
    /// sequence as <see cref="TimestepSequence"/> builds it (default: all T); entry v stands for categorical step v + 1
    /// and the chain ends at x_0. <paramref name="uniforms"/> gives [B, D] uniforms (x_T, then one draw per step),
    /// <paramref name="noise"/> the Gaussian noise of continuous entries. Runs without gradients.
    /// </summary>
    public Tensor Sample(IDenoiser denoiser, int batch, INoiseSource uniforms, INoiseSource noise, Observation? observation = null,
        IReadOnlyList<int>? timesteps = null, DType dtype = DType.F32)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(uniforms);
        ArgumentNullException.ThrowIfNull(noise);
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), $"need at least one sample, got {batch}.");
        var seq = timesteps ?? TimestepSequence.All(Diffusion.Timesteps);
        TimestepSequence.Validate(seq, Diffusion.Timesteps);
        int dim = Diffusion.Layout.Dim;
        using (GradMode.Disable())
        {
            var obs = observation ?? Observation.None(batch, dim, dtype);
            var x = obs.Clamp(Start(batch, uniforms, noise, dtype));
            for (int i = seq.Count - 1; i >= 0; i--)
            {
                int t = seq[i] + 1, s = i == 0 ? 0 : seq[i - 1] + 1;
                if (s == t) continue;
                using (TensorScope.Begin())
                    x.CopyFrom(Step(denoiser, x, t, s, obs, uniforms, noise));
            }
            return x;
        }
    }

    /// <summary>One reverse step of every item from one-based step <paramref name="t"/> to <paramref name="s"/> &lt; t (0: the data).</summary>
    public Tensor Step(IDenoiser denoiser, Tensor xt, int t, int s, Observation observation, INoiseSource uniforms, INoiseSource noise)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(uniforms);
        ArgumentNullException.ThrowIfNull(noise);
        using var noGrad = GradMode.Disable();
        var d = Diffusion;
        int batch = xt.Dim(0), dim = xt.Dim(1);
        var ts = Enumerable.Repeat(t, batch).ToArray();
        var ss = Enumerable.Repeat(s, batch).ToArray();
        var x0 = d.PredictX0(denoiser, xt, ts, observation);
        var u = uniforms.Next([batch, dim], xt.DType).ToArray<float>();
        var flat = xt.ToArray<double>();
        foreach (var group in d.Groups)
        {
            var logPost = d.LogPosterior(d.ToStates(group.Gather(xt)), d.ProbabilitiesToStates(group.Gather(x0)), ss, ts);
            var probs = logPost.Exp().ToArray<double>();
            var states = StateSampling.Draw(probs, batch, group.Offsets, d.States(group.Classes), u, dim);
            StateSampling.Write(flat, dim, group.Offsets, group.Classes, states, batch);
        }
        var next = Tensor.FromArray(flat, [batch, dim]).To(xt.DType);
        if (d.HasContinuous)
        {
            var c = d.Gaussian.Schedule.Step(t - 1, s - 1);
            var continuous = x0 * c.MeanCoefX0 + xt * c.MeanCoefXt;
            if (s > 0) continuous = continuous + noise.Next([batch, dim], xt.DType) * Math.Sqrt(c.Variance(VarianceKind.FixedLarge));
            next = Tensor.Where(d.ContinuousMask(xt.DType).Expand(batch, dim), continuous, next);
        }
        return observation.Clamp(next);
    }

    private Tensor Start(int batch, INoiseSource uniforms, INoiseSource noise, DType dtype)
    {
        var d = Diffusion;
        int dim = d.Layout.Dim;
        var flat = new double[batch * dim];
        if (d.Kind == DiffusionKind.Multinomial)
        {
            var u = uniforms.Next([batch, dim], dtype).ToArray<float>();
            foreach (var group in d.Groups)
            {
                var probs = Enumerable.Repeat(1.0 / group.Classes, batch * group.Count * group.Classes).ToArray();
                var states = StateSampling.Draw(probs, batch, group.Offsets, group.Classes, u, dim);
                StateSampling.Write(flat, dim, group.Offsets, group.Classes, states, batch);
            }
        }
        var x = Tensor.FromArray(flat, [batch, dim]).To(dtype);
        if (!d.HasContinuous) return x;
        return Tensor.Where(d.ContinuousMask(dtype).Expand(batch, dim), noise.Next([batch, dim], dtype), x);
    }
}
