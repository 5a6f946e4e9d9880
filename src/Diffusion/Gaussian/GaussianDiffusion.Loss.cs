using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

public sealed partial class GaussianDiffusion
{
    /// <summary>
    /// The training loss of one batch, with every random choice drawn from <paramref name="generator"/> in the
    /// reference's order: noise eps ~ N(0, I), antithetic timesteps, then the observation mask of each item
    /// (nothing observed when <paramref name="masks"/> is null). See the overload with explicit draws.
    /// </summary>
    public Tensor Loss(IDenoiser denoiser, Tensor x0, Generator generator, IObservationMaskSampler? masks = null,
        LossWeighting weighting = LossWeighting.Uniform)
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(generator);
        var noise = Tensor.Randn(x0.Shape, generator, x0.DType);
        var t = TimestepSampling.Antithetic(x0.Dim(0), Timesteps, generator);
        var mask = masks?.Sample(x0, generator);
        return Loss(denoiser, x0, t, noise, mask, weighting);
    }

    /// <summary>
    /// The loss for given draws: x_t = q_sample(x0, t, noise); the network sees x_t with observed entries clamped
    /// to x0, its prediction at observed entries is overwritten by the target (so their error is 0), and the
    /// squared error against x0 (or noise, for eps-prediction) is summed over the D entries of each datum,
    /// weighted per <paramref name="weighting"/>, and averaged over the batch. Returns a scalar that
    /// Backward() differentiates.
    /// </summary>
    public Tensor Loss(IDenoiser denoiser, Tensor x0, IReadOnlyList<int> t, Tensor noise, Tensor? observedMask = null,
        LossWeighting weighting = LossWeighting.Uniform) =>
        LossPerItem(denoiser, x0, t, noise, observedMask, weighting).Mean();

    /// <summary>The per-item loss [batch] of <see cref="Loss(IDenoiser, Tensor, IReadOnlyList{int}, Tensor, Tensor?, LossWeighting)"/>.</summary>
    public Tensor LossPerItem(IDenoiser denoiser, Tensor x0, IReadOnlyList<int> t, Tensor noise, Tensor? observedMask = null,
        LossWeighting weighting = LossWeighting.Uniform)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        var xt = QSample(x0, t, noise);
        var observation = new Observation(observedMask ?? x0.ZerosLike(), x0);
        var output = Call(denoiser, xt, t, observation);
        var target = Prediction == Prediction.X0 ? x0 : noise;
        var prediction = Tensor.Where(observation.Mask, target, output);
        var perItem = (target - prediction).Square().Sum(1);
        if (weighting == LossWeighting.Elbo)
        {
            var w = Schedule.ElboLossWeights(Prediction);
            perItem = perItem * Column(t.Select(s => w[s] * Timesteps), x0.DType).Reshape(t.Count);
        }
        return perItem;
    }
}
