using GsdmCore.Problems;

namespace GsdmCore.Diffusion.Training;

/// <summary>The problem's metrics on samples drawn with the EMA weights after <paramref name="Step"/> steps.</summary>
/// <param name="Step">Steps taken when the samples were drawn.</param>
/// <param name="Metrics">The problem's metrics.</param>
/// <param name="Seconds">Wall time of sampling and evaluation.</param>
public sealed record ValidationResult(int Step, MetricReport Metrics, double Seconds);
