namespace GsdmCore.Cli.Training;

/// <summary>When a training run stops: at <paramref name="Steps"/> total steps or after <paramref name="TimeLimit"/>, whichever comes first.</summary>
/// <param name="Steps">The total step count to reach (steps already in a resumed checkpoint count).</param>
/// <param name="TimeLimit">The wall-clock limit of this session's training, or null for none.</param>
public sealed record TrainingBudget(int Steps, TimeSpan? TimeLimit);
