using System.CommandLine;
using GsdmCore.Cli.Errors;
using GsdmCore.Cli.Help;
using GsdmCore.Cli.Output;
using GsdmCore.Cli.Plots;
using GsdmCore.Cli.Runs;
using GsdmCore.Cli.Settings;
using GsdmCore.Cli.Training;
using Spectre.Console;

namespace GsdmCore.Cli.Commands;

/// <summary><c>gsdm train</c>: trains a GSDM on a problem, with a live progress bar; Ctrl-C saves a checkpoint to resume from.</summary>
public static class TrainCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        var options = new TrainOptions();
        var command = new Command("train", "Train a GSDM on a problem; writes checkpoint.safetensors, run.json, metrics.csv and loss.png into --out.");
        options.AddTo(command);
        command.SetAction(parse => Run(options, parse, context));
        return command.WithExamples(
            "gsdm train --problem sudoku --block 2x2 --steps 2000 --out runs/sudoku4",
            "gsdm train --problem sorting --n 5 --attention sparse --embeddings ee --steps 500",
            "gsdm train --problem bcmf --t 2 --n 4 --m 4 --intermediates true --lr 5e-4",
            "gsdm train --problem boolean --depth 3 --batch 8 --seed 7",
            "gsdm train --config my-run.yaml --steps 5000           (JSON or flat YAML; flags override the file)",
            "gsdm train --resume runs/sudoku4 --steps 4000           (continue after Ctrl-C or to more steps)");
    }

    private static int Run(TrainOptions options, ParseResult parse, CliContext context)
    {
        var plan = TrainPlan.Resolve(options, parse);
        var console = context.Console;
        ModelSummary.Print(console, plan.Problem, plan.Trainer);
        if (plan.ResumedFrom is not null)
            console.MarkupLine($"[bold]resuming[/] {Markup.Escape(plan.ResumedFrom)} at step {plan.Trainer.Step}");
        new RunInfo { ProblemName = plan.Problem.Name, Problem = plan.Spec, Diffusion = plan.Trainer.Options.Diffusion.ToString().ToLowerInvariant() }.Save(plan.Folder.RunInfoPath);
        if (plan.Trainer.Step >= plan.Budget.Steps)
            console.MarkupLine($"[yellow]already at step {plan.Trainer.Step} of {plan.Budget.Steps}; give a larger --steps to train on.[/]");

        var outcome = TrainingLoop.Run(plan.Trainer, plan.Folder, plan.Budget, context.Interrupts, console);
        LossPlot.Save(MetricsLog.Read(plan.Folder.MetricsPath), plan.Folder.File("loss.png"), $"{plan.Problem.Name} training loss");
        string checkpoint = Markup.Escape(plan.Folder.CheckpointPath);
        if (outcome.Interrupted)
        {
            console.MarkupLine($"[yellow]interrupted at step {outcome.FinalStep}[/]; checkpoint saved to {checkpoint}");
            console.MarkupLine($"continue with: gsdm train --resume {Markup.Escape(plan.Folder.Directory)}");
            return ExitCodes.Interrupted;
        }
        string why = outcome.HitTimeLimit ? " (time limit reached)" : "";
        context.Out.WriteLine($"trained {outcome.StepsTaken} steps in {outcome.Seconds:0.0} s{why}; now at step {outcome.FinalStep}; checkpoint saved to {plan.Folder.CheckpointPath}");
        return ExitCodes.Success;
    }
}
