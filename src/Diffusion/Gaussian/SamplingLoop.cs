using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>The loop shared by the samplers: x_T, then one step per timestep from last to first, each in its own scope.</summary>
internal static class SamplingLoop
{
    /// <summary>One reverse step x_t -> x_tPrev.</summary>
    internal delegate Tensor StepFunction(Tensor xt, int t, int tPrev, Observation observation);

    internal static Tensor Run(GaussianDiffusion diffusion, IDenoiser denoiser, int[] shape, INoiseSource noise,
        Observation? observation, IReadOnlyList<int>? timesteps, Action<int>? progress, DType dtype, StepFunction step)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(noise);
        if (shape.Length != 2 || shape[0] < 1 || shape[1] < 1)
            throw new TensorShapeException("sample", $"samples are flat vectors [batch, D], got {Layout.Format(shape)}.");
        if (!dtype.IsFloat()) throw new TensorDTypeException("sample", $"samples must be float, got {dtype}.");
        var seq = timesteps ?? TimestepSequence.All(diffusion.Timesteps);
        TimestepSequence.Validate(seq, diffusion.Timesteps);

        using (GradMode.Disable())
        {
            var obs = observation ?? Observation.None(shape[0], shape[1], dtype);
            // x holds the chain's state: a buffer of the caller's scope overwritten in place after each step,
            // so a long loop keeps one state tensor however many steps it takes.
            var x = obs.Clamp(noise.Next(shape, dtype));
            for (int i = seq.Count - 1; i >= 0; i--)
            {
                int t = seq[i], tPrev = i == 0 ? -1 : seq[i - 1];
                using (TensorScope.Begin())
                {
                    x.CopyFrom(step(x, t, tPrev, obs));
                }
                progress?.Invoke(seq.Count - 1 - i);
            }
            return x;
        }
    }
}
