namespace GsdmCore.Cli.Training;

/// <summary>How a training session ended.</summary>
/// <param name="StepsTaken">Steps taken in this session.</param>
/// <param name="FinalStep">The trainer's step count at the end (saved in the checkpoint).</param>
/// <param name="Seconds">Wall time of this session's training.</param>
/// <param name="Interrupted">Stopped by Ctrl-C / SIGTERM.</param>
/// <param name="HitTimeLimit">Stopped by the time limit before the step budget.</param>
/// <param name="LastLoss">The mean loss of the last logging window.</param>
public sealed record TrainingOutcome(int StepsTaken, int FinalStep, double Seconds, bool Interrupted, bool HitTimeLimit, double LastLoss);
