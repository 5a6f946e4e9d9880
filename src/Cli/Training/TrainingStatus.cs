using System.Diagnostics;
using System.Globalization;
using GsdmCore.Diffusion.Training;

namespace GsdmCore.Cli.Training;

/// <summary>The live figures of a training session: step, loss, steps/s and the time left to the step budget or the deadline.</summary>
public sealed class TrainingStatus
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TrainingBudget _budget;
    private readonly int _startStep;

    /// <summary>Starts the clock for a session that begins at <paramref name="startStep"/>.</summary>
    public TrainingStatus(TrainingBudget budget, int startStep)
    {
        _budget = budget;
        _startStep = startStep;
        Step = startStep;
    }

    /// <summary>Steps taken in total.</summary>
    public int Step { get; private set; }
    /// <summary>The mean loss of the last report (NaN before the first).</summary>
    public double Loss { get; private set; } = double.NaN;
    /// <summary>Seconds since the session started.</summary>
    public double Elapsed => _clock.Elapsed.TotalSeconds;
    /// <summary>Steps per second over the session so far.</summary>
    public double Rate => Elapsed > 0 ? (Step - _startStep) / Elapsed : 0;

    /// <summary>True when the session's time limit has passed.</summary>
    public bool OutOfTime => _budget.TimeLimit is { } limit && _clock.Elapsed >= limit;

    /// <summary>Records that a step finished.</summary>
    public void StepDone(int step) => Step = step;

    /// <summary>Records a progress report of the trainer.</summary>
    public void Report(TrainingProgress progress) => Loss = progress.MeanLoss;

    /// <summary>How far along the session is, 0..1: the larger of the step and the time fractions.</summary>
    public double Fraction
    {
        get
        {
            int todo = _budget.Steps - _startStep;
            double steps = todo <= 0 ? 1 : (double)(Step - _startStep) / todo;
            double time = _budget.TimeLimit is { } limit ? Elapsed / limit.TotalSeconds : 0;
            return Math.Clamp(Math.Max(steps, time), 0, 1);
        }
    }

    /// <summary>Seconds left: to the step budget at the current rate, or to the deadline, whichever is sooner (null when unknown).</summary>
    public double? SecondsLeft
    {
        get
        {
            double? bySteps = Rate > 0 ? (_budget.Steps - Step) / Rate : null;
            double? byTime = _budget.TimeLimit is { } limit ? Math.Max(0, limit.TotalSeconds - Elapsed) : null;
            return (bySteps, byTime) switch
            {
                (null, var t) => t,
                (var s, null) => s,
                var (s, t) => Math.Min(s!.Value, t!.Value),
            };
        }
    }

    /// <summary>"step 1200/3000  loss 0.412  24.1 steps/s  ETA 1:13".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"step {Step}/{_budget.Steps}  loss {(double.IsNaN(Loss) ? "-" : Loss.ToString("0.0000", CultureInfo.InvariantCulture))}  {Rate:0.0} steps/s  ETA {FormatSeconds(SecondsLeft)}");

    /// <summary>m:ss (or "-" when unknown).</summary>
    public static string FormatSeconds(double? seconds) =>
        seconds is not { } s || !double.IsFinite(s) ? "-" : $"{(int)(s / 60)}:{(int)(s % 60):00}";
}
