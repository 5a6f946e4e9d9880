namespace GsdmCore.Diffusion;

/// <summary>
/// The variational bound of <see cref="GaussianElbo"/>, in nats per datum (averaged over the batch), as the
/// reference's <c>ddpm_elbo</c> reports it: Elbo = Likelihood - KlSum - KlPrior. Observed entries are left out
/// of every term (it bounds log p(latents | observations)).
/// </summary>
public sealed record ElboResult
{
    /// <summary>The evidence lower bound (higher is better).</summary>
    public required double Elbo { get; init; }
    /// <summary>The decoder term log p(x0 | x_1): continuous Gaussian plus categorical.</summary>
    public required double Likelihood { get; init; }
    /// <summary>The categorical part of <see cref="Likelihood"/>: sum of log of the predicted probability of each true class.</summary>
    public required double DiscreteLikelihood { get; init; }
    /// <summary>The sum over t = 1..T-1 of KL(q(x_{t-1} | x_t, x0) || p(x_{t-1} | x_t)) (estimated when a subset of t is used).</summary>
    public required double KlSum { get; init; }
    /// <summary>KL(q(x_{T-1} | x0) || N(0, I)): the prior term.</summary>
    public required double KlPrior { get; init; }
    /// <summary>The bound of each datum of the batch.</summary>
    public required IReadOnlyList<double> ElboPerDatum { get; init; }
    /// <summary>The batch-mean KL term at each evaluated timestep t (1..T-1).</summary>
    public required IReadOnlyDictionary<int, double> KlByTimestep { get; init; }
}
