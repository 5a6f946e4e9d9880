using GsdmCore.Cli.Runs;
using GsdmCore.Diffusion.Training;
using Spectre.Console;

namespace GsdmCore.Cli.Training;

/// <summary>
/// Runs a trainer until its step budget, its time limit or a cancellation, showing a live progress bar (step, loss,
/// steps/s, ETA) on an interactive console and plain progress lines otherwise, logging <c>metrics.csv</c>, and
/// always ending with a checkpoint, also when interrupted.
/// </summary>
public static class TrainingLoop
{
    /// <summary>Trains and saves the checkpoint into <paramref name="folder"/>; a Ctrl-C meanwhile stops it after the current step.</summary>
    public static TrainingOutcome Run(GsdmTrainer trainer, RunFolder folder, TrainingBudget budget, CancelSignal interrupts, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(interrupts);
        using var deferred = interrupts.Defer();
        var cancel = interrupts.Token;
        int start = trainer.Step;
        var status = new TrainingStatus(budget, start);
        using var log = new MetricsLog(folder.MetricsPath, start);
        var window = new LossWindow();
        void OnProgress(TrainingProgress p)
        {
            status.Report(p);
            log.Write(p, status.Elapsed);
            window.MarkReported();
        }
        trainer.Progress += OnProgress;
        try
        {
            if (console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi) RunLive(trainer, budget, status, window, cancel, console);
            else RunPlain(trainer, budget, status, window, cancel, console);
        }
        finally
        {
            trainer.Progress -= OnProgress;
        }
        if (window.Steps > 0)
        {
            // The steps since the last report (the trainer reports every LogEvery steps): one last row.
            var last = new TrainingProgress(trainer.Step, trainer.LastLoss, window.Mean, trainer.LastGradNorm, status.Rate);
            status.Report(last);
            log.Write(last, status.Elapsed);
        }
        trainer.SaveCheckpoint(folder.CheckpointPath);
        return new TrainingOutcome(trainer.Step - start, trainer.Step, status.Elapsed, cancel.IsCancellationRequested,
            !cancel.IsCancellationRequested && trainer.Step < budget.Steps, status.Loss);
    }

    private static bool Continue(GsdmTrainer trainer, TrainingBudget budget, TrainingStatus status, CancellationToken cancel) =>
        trainer.Step < budget.Steps && !cancel.IsCancellationRequested && !status.OutOfTime;

    private static void Step(GsdmTrainer trainer, TrainingStatus status, LossWindow window)
    {
        window.Add(trainer.TrainStep());
        status.StepDone(trainer.Step);
    }

    private static void RunLive(GsdmTrainer trainer, TrainingBudget budget, TrainingStatus status, LossWindow window, CancellationToken cancel, IAnsiConsole console)
    {
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(status.Describe()), maxValue: 1000);
                while (Continue(trainer, budget, status, cancel))
                {
                    Step(trainer, status, window);
                    task.Value = 1000 * status.Fraction;
                    task.Description = Markup.Escape(status.Describe());
                }
                task.Value = 1000;
                task.Description = Markup.Escape(status.Describe());
            });
    }

    private static void RunPlain(GsdmTrainer trainer, TrainingBudget budget, TrainingStatus status, LossWindow window, CancellationToken cancel, IAnsiConsole console)
    {
        double nextReport = 0.1;
        double lastLine = 0;
        while (Continue(trainer, budget, status, cancel))
        {
            Step(trainer, status, window);
            if (status.Fraction >= nextReport || status.Elapsed - lastLine >= 15)
            {
                console.WriteLine($"  {status.Describe()}  [{status.Fraction * 100:0}%]");
                lastLine = status.Elapsed;
                while (nextReport <= status.Fraction) nextReport += 0.1;
            }
        }
    }
}
