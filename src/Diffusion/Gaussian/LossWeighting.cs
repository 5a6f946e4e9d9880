namespace GsdmCore.Diffusion;

/// <summary>How the training loss weights each timestep.</summary>
public enum LossWeighting
{
    /// <summary>Weight 1 for every t (lambda(t) = 1, the reference default and the paper's choice).</summary>
    Uniform,
    /// <summary>
    /// T times <see cref="GaussianSchedule.ElboLossWeights"/>[t], so that the expectation over uniform t is the
    /// sum of the ELBO's KL terms (up to constants); the reference's <c>--weight_loss</c>.
    /// </summary>
    Elbo,
}
