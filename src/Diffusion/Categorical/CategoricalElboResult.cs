namespace GsdmCore.Diffusion;

/// <summary>
/// The variational bound of the categorical nodes of a <see cref="CategoricalDiffusion"/> (observed nodes and continuous
/// entries left out), as a negative log-likelihood bound: NatsPerDatum = sum over t of the KL terms (the t = 1 term is
/// the decoder -log p(x0 | x1)) + the prior term, averaged over the batch.
/// </summary>
public sealed record CategoricalElboResult
{
    /// <summary>The bound on -log p(x0) in nats per datum (lower is better).</summary>
    public required double NatsPerDatum { get; init; }
    /// <summary>The bound in bits per latent categorical variable.</summary>
    public required double BitsPerDimension { get; init; }
    /// <summary>The decoder term -log p(x0 | x1), nats per datum.</summary>
    public required double Decoder { get; init; }
    /// <summary>The sum of the KL terms at t = 2..T, nats per datum (estimated when a subset of t is used).</summary>
    public required double KlSum { get; init; }
    /// <summary>KL(q(x_T | x0) || p(x_T)), nats per datum.</summary>
    public required double KlPrior { get; init; }
    /// <summary>The bound of each datum, nats.</summary>
    public required IReadOnlyList<double> NatsPerItem { get; init; }
    /// <summary>The batch-mean KL term (nats per datum) at each evaluated timestep t = 1..T.</summary>
    public required IReadOnlyDictionary<int, double> KlByTimestep { get; init; }
}
