using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

public sealed partial class CategoricalDiffusion
{
    /// <summary>
    /// The training loss of one batch with every draw from <paramref name="generator"/>: Gaussian noise, uniforms,
    /// then antithetic timesteps (t = 1..T). <paramref name="observedMask"/> [B, D] (null: nothing observed) marks the
    /// entries clamped to x0. See the overload with explicit draws.
    /// </summary>
    public Tensor Loss(IDenoiser denoiser, Tensor x0, Generator generator, Tensor? observedMask = null)
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(generator);
        var noise = Tensor.Randn(x0.Shape, generator, x0.DType);
        var uniforms = Tensor.Rand(x0.Shape, generator, x0.DType);
        var t = TimestepSampling.Antithetic(x0.Dim(0), Timesteps, generator).Select(s => s + 1).ToArray();
        return Loss(denoiser, x0, t, uniforms, noise, observedMask);
    }

    /// <summary>The batch mean of <see cref="LossPerItem"/>: a scalar that Backward() differentiates.</summary>
    public Tensor Loss(IDenoiser denoiser, Tensor x0, IReadOnlyList<int> t, Tensor uniforms, Tensor? noise = null, Tensor? observedMask = null) =>
        LossPerItem(denoiser, x0, t, uniforms, noise, observedMask).Mean();

    /// <summary>
    /// The per-item loss [B] for one-based timesteps <paramref name="t"/>: x_t = q_sample(x0, t); the network sees x_t
    /// with observed entries clamped. Over the unobserved categorical nodes: T KL(q(x_{t-1} | x_t, x0) ||
    /// p(x_{t-1} | x_t)) (at t = 1 this is the decoder term -log p(x0 | x1)), an unbiased estimate of the sum over t,
    /// plus the prior term KL(q(x_T | x0) || p(x_T)) (constant in the weights), plus lambda times the cross-entropy
    /// -log x0_hat(x0) (<see cref="HybridWeight"/>), all times <see cref="CategoricalWeight"/>. Over the unobserved continuous entries: the squared error of the x0
    /// prediction (the Gaussian x0 loss), at the same timestep.
    /// </summary>
    public Tensor LossPerItem(IDenoiser denoiser, Tensor x0, IReadOnlyList<int> t, Tensor uniforms, Tensor? noise = null, Tensor? observedMask = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        CheckBatch("categorical_loss", x0, t);
        var xt = QSample(x0, t, uniforms, noise);
        var observation = new Observation(observedMask ?? x0.ZerosLike(), x0);
        var prediction = PredictX0(denoiser, xt, t, observation);
        var sPrev = t.Select(s => s - 1).ToArray();
        Tensor? perItem = null;
        foreach (var group in _groups)
        {
            var x0States = ToStates(group.Gather(x0));
            var xtStates = ToStates(group.Gather(xt));
            var predicted = ProbabilitiesToStates(group.Gather(prediction));
            var logQ = LogPosterior(xtStates, x0States, sPrev, t);
            var logP = LogPosterior(xtStates, predicted, sPrev, t);
            var perNode = Kl(logQ, logP) * Timesteps + PriorKl(x0States);
            if (HybridWeight > 0) perNode = perNode - (x0States * SafeLog(predicted)).Sum(-1) * HybridWeight;
            var latent = 1.0 - group.PerNode(observation.Mask);
            var sum = (perNode * latent).Sum(1);
            if (CategoricalWeight != 1) sum = sum * CategoricalWeight;
            perItem = perItem is null ? sum : perItem + sum;
        }
        if (HasContinuous)
        {
            var sum = ((x0 - prediction).Square() * ContinuousMask(x0.DType)).Sum(1);
            perItem = perItem is null ? sum : perItem + sum;
        }
        return perItem!;
    }
}
