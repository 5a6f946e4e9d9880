using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

public sealed partial class CategoricalDiffusion
{
    /// <summary>
    /// x_t ~ q(x_t | x0) for flat data <paramref name="x0"/> [B, D] and one-based timesteps <paramref name="t"/>: each
    /// categorical node is drawn by inverse CDF with the uniform of <paramref name="uniforms"/> [B, D] at its slice's
    /// first entry; continuous entries are the Gaussian q_sample at step t - 1 with <paramref name="noise"/> [B, D]
    /// (ignored, and may be null, when there are none). A masked node is an all-zero slice.
    /// </summary>
    public Tensor QSample(Tensor x0, IReadOnlyList<int> t, Tensor uniforms, Tensor? noise = null)
    {
        CheckBatch("categorical_q_sample", x0, t);
        if (!uniforms.Shape.SequenceEqual(x0.Shape))
            throw new TensorShapeException("categorical_q_sample", $"uniforms {GsdmCore.Backends.Layout.Format(uniforms.Shape)} must match x0 {GsdmCore.Backends.Layout.Format(x0.Shape)}.");
        using var noGrad = GradMode.Disable();
        int batch = x0.Dim(0), dim = x0.Dim(1);
        var flat = x0.ToArray<double>();
        var u = uniforms.ToArray<float>();
        foreach (var group in _groups)
        {
            var probs = Marginal(ToStates(group.Gather(x0)), t).ToArray<double>();
            var states = StateSampling.Draw(probs, batch, group.Offsets, States(group.Classes), u, dim);
            StateSampling.Write(flat, dim, group.Offsets, group.Classes, states, batch);
        }
        var xt = Tensor.FromArray(flat, [batch, dim]).To(x0.DType);
        if (!HasContinuous) return xt;
        if (noise is null) throw new ArgumentNullException(nameof(noise), "the data has continuous entries, which need Gaussian noise.");
        var continuous = Gaussian.QSample(x0, t.Select(s => s - 1).ToArray(), noise);
        return Tensor.Where(ContinuousMask(x0.DType).Expand(batch, dim), continuous, xt);
    }

    /// <summary>The network's x0 estimate from x_t at one-based steps t: observed entries clamped in and out.</summary>
    public Tensor PredictX0(IDenoiser denoiser, Tensor xt, IReadOnlyList<int> t, Observation observation)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(observation);
        CheckBatch("categorical_predict_x0", xt, t);
        return observation.Clamp(Gaussian.Call(denoiser, xt, t.Select(s => s - 1).ToArray(), observation));
    }

    private void CheckBatch(string op, Tensor x, IReadOnlyList<int> t)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(t);
        if (x.Rank != 2 || x.Dim(1) != Layout.Dim)
            throw new TensorShapeException(op, $"data must be flat vectors [batch, {Layout.Dim}], got {GsdmCore.Backends.Layout.Format(x.Shape)}.");
        if (!x.DType.IsFloat()) throw new TensorDTypeException(op, $"data must be float, got {x.DType}.");
        if (t.Count != x.Dim(0)) throw new TensorShapeException(op, $"{t.Count} timesteps for a batch of {x.Dim(0)}.");
        foreach (int s in t)
            if (s < 1 || s > Timesteps)
                throw new ArgumentOutOfRangeException(nameof(t), $"categorical timestep {s} is outside 1..{Timesteps}.");
    }
}
