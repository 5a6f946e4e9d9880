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
        var (a, b) = QSampleColumns(x0, t, noise);
        var elbo = weighting == LossWeighting.Elbo ? ElboWeights(t, x0.DType) : null;
        return LossPerItem(denoiser, x0, noise, observedMask ?? x0.ZerosLike(), TimestepTensor(t, x0.DType), a, b, elbo);
    }

    /// <summary>
    /// The loss of a batch whose draws are all in tensors (<see cref="GaussianLossBatch"/>): the same values, bit for bit,
    /// as the overload over host timesteps with the same draws, and, reading tensors only, capturable with
    /// <see cref="CapturedStep"/>.
    /// </summary>
    public Tensor Loss(IDenoiser denoiser, GaussianLossBatch batch, LossWeighting weighting = LossWeighting.Uniform)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(batch);
        return LossPerItem(denoiser, batch.X0, batch.Noise, batch.Mask, batch.Timesteps, batch.SqrtAlphaBar, batch.SqrtOneMinusAlphaBar,
            weighting == LossWeighting.Elbo ? batch.ElboWeights : null).Mean();
    }

    /// <summary>The loss per item from tensors: x_t = a x0 + b noise, the clamped denoiser call, the squared error summed over D, times the ELBO weights when given.</summary>
    private Tensor LossPerItem(IDenoiser denoiser, Tensor x0, Tensor noise, Tensor observedMask, Tensor timesteps, Tensor sqrtAlphaBar,
        Tensor sqrtOneMinusAlphaBar, Tensor? elboWeights)
    {
        var xt = x0 * sqrtAlphaBar + noise * sqrtOneMinusAlphaBar;
        var observation = new Observation(observedMask, x0);
        var output = Call(denoiser, xt, timesteps, observation);
        var target = Prediction == Prediction.X0 ? x0 : noise;
        var prediction = Tensor.Where(observation.Mask, target, output);
        var perItem = (target - prediction).Square().Sum(1);
        return elboWeights is null ? perItem : perItem * elboWeights;
    }

    /// <summary>The ELBO weights w[t_i] T [batch].</summary>
    internal Tensor ElboWeights(IReadOnlyList<int> t, DType dtype)
    {
        var w = Schedule.ElboLossWeights(Prediction);
        return Column(t.Select(s => w[s] * Timesteps), dtype).Reshape(t.Count);
    }
}
