using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>
/// Ancestral DDPM sampling (the reference's <c>ddpm_steps</c>): from x_T ~ N(0, I), each step t -> tPrev
/// draws x_tPrev = mean + sigma z with mean = MeanCoefX0 x0_hat + MeanCoefXt x_t (the posterior mean with the
/// denoiser's x0 estimate) and sigma^2 = beta (<see cref="VarianceKind.FixedLarge"/>, the reference) or the
/// posterior variance (<see cref="VarianceKind.FixedSmall"/>); the last step adds no noise. Strided sequences
/// use the effective beta = 1 - alpha-bar[t] / alpha-bar[tPrev]. Observed entries are clamped to the
/// observations after every step, so the result holds them exactly.
/// </summary>
public sealed class DdpmSampler
{
    /// <summary>A sampler for <paramref name="diffusion"/> with reverse variance <paramref name="variance"/>.</summary>
    public DdpmSampler(GaussianDiffusion diffusion, VarianceKind variance = VarianceKind.FixedLarge)
    {
        Diffusion = diffusion ?? throw new ArgumentNullException(nameof(diffusion));
        Variance = variance;
    }

    /// <summary>The process sampled from.</summary>
    public GaussianDiffusion Diffusion { get; }
    /// <summary>The reverse variance.</summary>
    public VarianceKind Variance { get; }

    /// <summary>
    /// Draws a batch of <paramref name="shape"/> [batch, D]. <paramref name="timesteps"/> is the increasing
    /// sequence of steps (default: all T, see <see cref="TimestepSequence"/>); <paramref name="progress"/> is
    /// called with the zero-based index of each finished step. Runs without gradients, one tensor scope per step.
    /// </summary>
    public Tensor Sample(IDenoiser denoiser, int[] shape, INoiseSource noise, Observation? observation = null,
        IReadOnlyList<int>? timesteps = null, Action<int>? progress = null, DType dtype = DType.F32) =>
        SamplingLoop.Run(Diffusion, denoiser, shape, noise, observation, timesteps, progress, dtype,
            (xt, t, tPrev, obs) => Step(denoiser, xt, t, tPrev, obs, noise));

    /// <summary>One reverse step of every item from timestep <paramref name="t"/> to <paramref name="tPrev"/> (-1: the data), without gradients.</summary>
    public Tensor Step(IDenoiser denoiser, Tensor xt, int t, int tPrev, Observation observation, INoiseSource noise)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(noise);
        using var noGrad = GradMode.Disable();
        var c = Diffusion.Schedule.Step(t, tPrev);
        var x0 = Diffusion.PredictX0(denoiser, xt, Enumerable.Repeat(t, xt.Dim(0)).ToArray(), observation);
        var next = x0 * c.MeanCoefX0 + xt * c.MeanCoefXt;
        if (tPrev >= 0)
        {
            double sigma = Math.Sqrt(c.Variance(Variance));
            next = next + noise.Next(xt.Shape, xt.DType) * sigma;
        }
        return observation.Clamp(next);
    }
}
