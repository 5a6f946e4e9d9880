using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>
/// DDIM / generalized sampling (the reference's <c>ddim_steps</c>): each step t -> tPrev computes the
/// denoiser's x0_hat and eps_hat = (x_t - sqrt(a_t) x0_hat) / sqrt(1 - a_t), then
/// x_tPrev = sqrt(a_prev) x0_hat + c1 z + c2 eps_hat with c1 = eta sqrt((1 - a_t / a_prev)(1 - a_prev) / (1 - a_t))
/// and c2 = sqrt(1 - a_prev - c1^2) (a = alpha-bar). eta = 0 is deterministic given x_T; eta = 1 matches
/// DDPM's fixedsmall variance. Observed entries are clamped after every step.
/// </summary>
public sealed class DdimSampler
{
    /// <summary>A sampler for <paramref name="diffusion"/> with noise scale <paramref name="eta"/> &gt;= 0.</summary>
    public DdimSampler(GaussianDiffusion diffusion, double eta = 0)
    {
        Diffusion = diffusion ?? throw new ArgumentNullException(nameof(diffusion));
        if (!(eta >= 0)) throw new ArgumentOutOfRangeException(nameof(eta), $"eta must be >= 0, got {eta}.");
        Eta = eta;
    }

    /// <summary>The process sampled from.</summary>
    public GaussianDiffusion Diffusion { get; }
    /// <summary>The noise scale (0: deterministic DDIM).</summary>
    public double Eta { get; }

    /// <summary>
    /// Draws a batch of <paramref name="shape"/> [batch, D] along <paramref name="timesteps"/> (default: all T;
    /// usually a strided <see cref="TimestepSequence.Uniform"/> or <see cref="TimestepSequence.Quadratic"/>);
    /// <paramref name="progress"/> gets the zero-based index of each finished step. Runs without gradients,
    /// one tensor scope per step.
    /// </summary>
    public Tensor Sample(IDenoiser denoiser, int[] shape, INoiseSource noise, Observation? observation = null,
        IReadOnlyList<int>? timesteps = null, Action<int>? progress = null, DType dtype = DType.F32) =>
        SamplingLoop.Run(Diffusion, denoiser, shape, noise, observation, timesteps, progress, dtype,
            (xt, t, tPrev, obs) => Step(denoiser, xt, t, tPrev, obs, noise));

    /// <summary>One step of every item from timestep <paramref name="t"/> to <paramref name="tPrev"/> (-1: the data), without gradients.</summary>
    public Tensor Step(IDenoiser denoiser, Tensor xt, int t, int tPrev, Observation observation, INoiseSource noise)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(noise);
        using var noGrad = GradMode.Disable();
        var c = Diffusion.Schedule.Step(t, tPrev);
        double at = c.AlphaBar, aPrev = c.AlphaBarPrev;
        var x0 = Diffusion.PredictX0(denoiser, xt, Enumerable.Repeat(t, xt.Dim(0)).ToArray(), observation);
        var eps = (xt - x0 * Math.Sqrt(at)) * (1 / Math.Sqrt(1 - at));
        double c1 = Eta * Math.Sqrt((1 - at / aPrev) * (1 - aPrev) / (1 - at));
        double c2 = Math.Sqrt(Math.Max(1 - aPrev - c1 * c1, 0));
        var next = x0 * Math.Sqrt(aPrev) + eps * c2;
        if (c1 > 0) next = next + noise.Next(xt.Shape, xt.DType) * c1;
        return observation.Clamp(next);
    }
}
