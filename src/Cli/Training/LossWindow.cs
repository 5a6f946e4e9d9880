namespace GsdmCore.Cli.Training;

/// <summary>
/// The losses of the steps since the trainer's last progress report. The trainer reports from inside
/// <c>TrainStep</c>, before the step's loss is returned, so a report only marks the window, and the step's loss that
/// arrives next (already counted by the report) empties it instead of being added.
/// </summary>
public sealed class LossWindow
{
    private double _sum;
    private bool _reported;

    /// <summary>Steps in the window.</summary>
    public int Steps { get; private set; }

    /// <summary>Their mean loss (NaN when empty).</summary>
    public double Mean => Steps > 0 ? _sum / Steps : double.NaN;

    /// <summary>Notes that the trainer just reported the steps so far (called from its progress event).</summary>
    public void MarkReported() => _reported = true;

    /// <summary>Adds the loss a step returned.</summary>
    public void Add(double loss)
    {
        if (_reported)
        {
            _reported = false;
            _sum = 0;
            Steps = 0;
            return;
        }
        _sum += loss;
        Steps++;
    }
}
