namespace GsdmCore.Diffusion;

/// <summary>
/// Draws which entries of each training item are observed (the reference's <c>dataset.sample_obs_mask</c>);
/// the problem supplies it, e.g. Sudoku draws a uniform number of observed cells per item.
/// </summary>
public interface IObservationMaskSampler
{
    /// <summary>A 0/1 mask [batch, D] for the batch <paramref name="x0"/> [batch, D], drawn from <paramref name="generator"/>.</summary>
    Tensor Sample(Tensor x0, Generator generator);
}
