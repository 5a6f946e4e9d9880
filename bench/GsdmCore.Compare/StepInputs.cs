using GsdmCore.Diffusion;
using GsdmCore.Problems;

namespace GsdmCore.Compare;

/// <summary>
/// One fixed batch of diffusion inputs, as plain arrays both engines start from: x0, noise, the observation mask, the
/// antithetic timesteps and the q-sample coefficients sqrt(abar_t), sqrt(1 - abar_t). Reused every step, so the
/// timings hold only network, loss, backward and optimiser work.
/// </summary>
internal sealed record StepInputs(int Batch, int Width, float[] X0, float[] Noise, float[] Mask, int[] T, float[] SqrtAlphaBar, float[] SqrtOneMinusAlphaBar)
{
    public static StepInputs Create(IProblem problem, GaussianDiffusion diffusion, int batch, ulong seed)
    {
        var data = problem.Sample(batch, seed);
        var generator = new Generator(seed ^ 0x9E3779B97F4A7C15UL);
        var x0 = data.Data.ToArray<float>();
        var noise = Tensor.Randn(data.Data.Shape, generator).ToArray<float>();
        var t = TimestepSampling.Antithetic(batch, diffusion.Timesteps, generator);
        var abar = t.Select(s => diffusion.Schedule.AlphaBarAt(s)).ToArray();
        return new StepInputs(batch, data.Data.Dim(1), x0, noise, data.ObservedFeatures.ToArray<float>(), t,
            abar.Select(a => (float)Math.Sqrt(a)).ToArray(), abar.Select(a => (float)Math.Sqrt(1 - a)).ToArray());
    }

    /// <summary>x_t = sqrt(abar) x0 + sqrt(1 - abar) noise, with observed entries set to x0 (the sampling-step input).</summary>
    public float[] ClampedXt()
    {
        var xt = new float[X0.Length];
        for (int i = 0; i < Batch; i++)
            for (int j = 0; j < Width; j++)
            {
                int at = i * Width + j;
                xt[at] = Mask[at] != 0 ? X0[at] : SqrtAlphaBar[i] * X0[at] + SqrtOneMinusAlphaBar[i] * Noise[at];
            }
        return xt;
    }
}
