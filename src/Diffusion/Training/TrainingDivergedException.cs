namespace GsdmCore.Diffusion.Training;

/// <summary>
/// Training produced a non-finite loss or gradient. The step was not applied, so the parameters are those after the
/// previous step, and the checkpoint file (if any) still holds the last good checkpoint.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>The step (zero-based) whose loss or gradient was not finite.</summary>
    public int Step { get; }
    /// <summary>The loss of that step.</summary>
    public double Loss { get; }
    /// <summary>The gradient norm of that step (NaN when the loss was already not finite).</summary>
    public double GradNorm { get; }
    /// <summary>The last good checkpoint file, or null when none was written.</summary>
    public string? LastCheckpoint { get; }
    /// <summary>The step count stored in <see cref="LastCheckpoint"/> (-1 when none).</summary>
    public int LastCheckpointStep { get; }

    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(int step, double loss, double gradNorm, string? lastCheckpoint, int lastCheckpointStep)
        : base($"training diverged at step {step}: loss = {loss}, gradient norm = {gradNorm}. The step was not applied; "
            + (lastCheckpoint is null ? "no checkpoint was written." : $"the last good checkpoint is '{lastCheckpoint}' (after {lastCheckpointStep} steps).")
            + " Lower the learning rate or check the data.")
    {
        Step = step;
        Loss = loss;
        GradNorm = gradNorm;
        LastCheckpoint = lastCheckpoint;
        LastCheckpointStep = lastCheckpointStep;
    }
}
