namespace GsdmCore.Diffusion;

/// <summary>
/// The network of a Gaussian diffusion, seen as a function of flat per-datum vectors. Categorical variables
/// ride along as one-hot slices of the vector (GSDM section 3.5).
/// </summary>
public interface IDenoiser
{
    /// <summary>
    /// Predicts x0 or eps (per the process's <see cref="Prediction"/>) from <paramref name="xt"/> [batch, D].
    /// The process has already clamped the observed entries of xt to the observations, and it overwrites the
    /// prediction at observed entries afterwards, so an implementation may ignore the mask or use it (e.g. for an
    /// observation embedding). Runs with gradients recorded during training and under GradMode.Disable() when
    /// sampling.
    /// </summary>
    /// <param name="xt">The noisy data [batch, D].</param>
    /// <param name="t">The zero-based timesteps 0..T-1 as floats [batch], in xt's dtype.</param>
    /// <param name="observedMask">[batch, D], 1 where the entry is observed, else 0.</param>
    /// <param name="observedValues">[batch, D], the observations where observed, 0 elsewhere.</param>
    /// <returns>The prediction [batch, D].</returns>
    Tensor Predict(Tensor xt, Tensor t, Tensor observedMask, Tensor observedValues);
}
