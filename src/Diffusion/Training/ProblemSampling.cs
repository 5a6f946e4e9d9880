using GsdmCore.Problems;

namespace GsdmCore.Diffusion.Training;

/// <summary>Draws samples of a problem's flat data from a denoiser, conditioned on a batch's observations.</summary>
public static class ProblemSampling
{
    /// <summary>
    /// One sample per datum of <paramref name="conditioning"/> [batch, width]: the observed features of each datum (its
    /// <see cref="ProblemBatch.ObservedFeatures"/>) are fixed to its data, the rest is drawn by the sampler of
    /// <paramref name="options"/> (default: DDIM, 20 steps). Runs without gradients; the result belongs to the caller's
    /// tensor scope. Pass it to <see cref="IProblem.Evaluate"/> with the same batch for the metrics.
    /// </summary>
    public static Tensor Sample(IDenoiser denoiser, GaussianDiffusion diffusion, ProblemBatch conditioning, SamplingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(diffusion);
        var (checkedOptions, dtype, observation, timesteps) = Prepare(denoiser, diffusion.Timesteps, conditioning, options);
        var noise = new GeneratorNoise(new Generator(checkedOptions.Seed));
        int[] shape = [conditioning.Size, conditioning.Graph.Features.Width];
        // The network's pass is captured on the first step and replayed on the others (the same bits, built once).
        using var captured = denoiser is GsdmDenoiser model ? new CapturedDenoiser(model) : null;
        IDenoiser network = captured ?? denoiser;
        return checkedOptions.Kind == SamplerKind.Ddpm
            ? new DdpmSampler(diffusion).Sample(network, shape, noise, observation, timesteps, dtype: dtype)
            : new DdimSampler(diffusion, checkedOptions.Eta).Sample(network, shape, noise, observation, timesteps, dtype: dtype);
    }

    /// <summary>
    /// As <see cref="Sample(IDenoiser, GaussianDiffusion, ProblemBatch, SamplingOptions?)"/> for a categorical process: its
    /// ancestral sampler on a uniform strided schedule of <see cref="SamplingOptions.Steps"/> steps, every draw from
    /// <see cref="SamplingOptions.Seed"/> (<see cref="SamplingOptions.Kind"/> and <see cref="SamplingOptions.Eta"/> are
    /// not used).
    /// </summary>
    public static Tensor Sample(IDenoiser denoiser, CategoricalDiffusion diffusion, ProblemBatch conditioning, SamplingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(diffusion);
        var (checkedOptions, dtype, observation, timesteps) = Prepare(denoiser, diffusion.Timesteps, conditioning, options);
        return new CategoricalSampler(diffusion).Sample(denoiser, conditioning.Size, new Generator(checkedOptions.Seed), observation, timesteps, dtype);
    }

    /// <summary>What both samplers start from: the checked options, the denoiser's dtype, the observation on the current device, the strided schedule.</summary>
    private static (SamplingOptions Options, Backends.DType DType, Observation Observation, int[] Timesteps) Prepare(
        IDenoiser denoiser, int trainingSteps, ProblemBatch conditioning, SamplingOptions? options)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(conditioning);
        options ??= new SamplingOptions();
        options.Validate();
        var dtype = denoiser is GsdmDenoiser g ? g.Config.DType : Backends.DType.F32;
        var data = conditioning.Data.To(Device.Current).To(dtype);
        var observation = new Observation(conditioning.ObservedFeatures.To(Device.Current).To(dtype), data);
        return (options, dtype, observation, TimestepSequence.Uniform(trainingSteps, Math.Min(options.Steps, trainingSteps)));
    }
}
