using GsdmCore.Diffusion;

namespace GsdmCore.Diffusion.Tests;

/// <summary>Knows the data: returns the true x0 (or the eps that maps x_t back to it).</summary>
internal sealed class OracleDenoiser(GaussianDiffusion diffusion, Tensor x0) : IDenoiser
{
    public int Calls { get; private set; }

    public Tensor Predict(Tensor xt, Tensor t, Tensor observedMask, Tensor observedValues)
    {
        Calls++;
        if (diffusion.Prediction == Prediction.X0) return x0.Clone();
        var abar = t.ToArray<double>().Select(s => diffusion.Schedule.AlphaBars[(int)s]).ToArray();
        var sqrtA = Tensor.FromArray(abar.Select(Math.Sqrt).ToArray(), [abar.Length, 1]).To(xt.DType);
        var sqrt1mA = Tensor.FromArray(abar.Select(a => Math.Sqrt(1 - a)).ToArray(), [abar.Length, 1]).To(xt.DType);
        return (xt - x0 * sqrtA) / sqrt1mA;
    }
}

/// <summary>Predicts 0 everywhere.</summary>
internal sealed class ZeroDenoiser : IDenoiser
{
    public Tensor Predict(Tensor xt, Tensor t, Tensor observedMask, Tensor observedValues) => xt.ZerosLike();
}

/// <summary>A denoiser given by a function.</summary>
internal sealed class FuncDenoiser(Func<Tensor, Tensor, Tensor> f) : IDenoiser
{
    public Tensor Predict(Tensor xt, Tensor t, Tensor observedMask, Tensor observedValues) => f(xt, t);
}

/// <summary>Noise that is all zeros: a sampler step then returns its mean.</summary>
internal sealed class ZeroNoise : INoiseSource
{
    public Tensor Next(int[] shape, DType dtype) => Tensor.Zeros(shape, dtype);
}

/// <summary>Draws from a generator and keeps a copy of every draw.</summary>
internal sealed class RecordingNoise(Generator generator) : INoiseSource
{
    public List<float[]> Draws { get; } = new();

    public Tensor Next(int[] shape, DType dtype)
    {
        var z = Tensor.Randn(shape, generator, dtype);
        Draws.Add(z.ToArray<float>());
        return z;
    }
}

/// <summary>Replays recorded draws of [batch, D] with the rows permuted: row i of a replay is row perm[i] of the draw.</summary>
internal sealed class PermutedNoise(IReadOnlyList<float[]> draws, int[] perm) : INoiseSource
{
    private int _next;

    public Tensor Next(int[] shape, DType dtype)
    {
        var src = draws[_next++];
        int dim = shape[1];
        var dst = new float[src.Length];
        for (int i = 0; i < shape[0]; i++) Array.Copy(src, perm[i] * dim, dst, i * dim, dim);
        return Tensor.FromArray(dst, shape).To(dtype);
    }
}
