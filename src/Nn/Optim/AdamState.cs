namespace GsdmCore.Nn;

/// <summary>
/// The state of an <see cref="Adam"/> optimiser, for checkpoints: the first and second moments of each parameter (in
/// the optimiser's parameter order, each shaped like its parameter) and the number of steps taken.
/// </summary>
/// <param name="FirstMoments">m per parameter.</param>
/// <param name="SecondMoments">v per parameter.</param>
/// <param name="StepCount">Steps taken (drives the bias correction).</param>
public sealed record AdamState(IReadOnlyList<Tensor> FirstMoments, IReadOnlyList<Tensor> SecondMoments, int StepCount);
