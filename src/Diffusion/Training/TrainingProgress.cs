namespace GsdmCore.Diffusion.Training;

/// <summary>A progress report of <see cref="GsdmTrainer"/>.</summary>
/// <param name="Step">Steps taken so far.</param>
/// <param name="Loss">The loss of the last step.</param>
/// <param name="MeanLoss">The mean loss over the steps since the previous report.</param>
/// <param name="GradNorm">The gradient 2-norm of the last step, before clipping.</param>
/// <param name="StepsPerSecond">Steps per second since the previous report.</param>
public readonly record struct TrainingProgress(int Step, double Loss, double MeanLoss, double GradNorm, double StepsPerSecond);
