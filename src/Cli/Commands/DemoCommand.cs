using System.CommandLine;
using GsdmCore.Cli.Errors;
using GsdmCore.Cli.Help;
using GsdmCore.Cli.Output;
using GsdmCore.Cli.Plots;
using GsdmCore.Cli.ProblemSetup;
using GsdmCore.Cli.Runs;
using GsdmCore.Cli.Training;
using GsdmCore.Diffusion.Training;
using GsdmCore.Problems;
using Spectre.Console;

namespace GsdmCore.Cli.Commands;

/// <summary>
/// <c>gsdm demo</c>: trains a 4x4 Sudoku GSDM on the CPU within a time box, completes 64 held-out half-filled puzzles
/// and draws 64 unconditional grids, prints a few boards, and writes the checkpoint, metrics.csv and PNGs of the loss
/// curve, the attention mask and sample boards into the output folder.
/// </summary>
public static class DemoCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        var steps = new Option<int>("--steps") { Description = "Step budget.", DefaultValueFactory = _ => DemoSettings.Steps };
        var timeLimit = new Option<double>("--time-limit") { Description = "Training deadline in seconds; training stops at the step budget or the deadline, whichever comes first.", DefaultValueFactory = _ => DemoSettings.TimeLimitSeconds };
        var output = new Option<string>("--out", "-o") { Description = "Output folder.", DefaultValueFactory = _ => Path.Combine("runs", "demo"), HelpName = "DIR" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the weights, data and noise.", DefaultValueFactory = _ => 0UL };
        var command = new Command("demo", "Train a 4x4 Sudoku GSDM on the CPU (at most --time-limit seconds), then solve 64 held-out puzzles and draw 64 unconditional grids.");
        command.Options.Add(steps);
        command.Options.Add(timeLimit);
        command.Options.Add(output);
        command.Options.Add(seed);
        command.SetAction(parse =>
        {
            int budget = parse.GetValue(steps);
            double limit = parse.GetValue(timeLimit);
            if (budget < 1) throw new UsageException($"--steps must be at least 1, got {budget}.");
            if (!(limit > 0)) throw new UsageException($"--time-limit must be a positive number of seconds, got {limit}.");
            return Run(context, budget, limit, parse.GetValue(output)!, parse.GetValue(seed));
        });
        return command.WithExamples(
            "gsdm demo",
            "dotnet run -c Release --project src/Cli -- demo",
            "gsdm demo --time-limit 60 --out runs/quick-demo",
            "gsdm sample --checkpoint runs/demo --observe \"1... ..3. .2.. ...4\"   (afterwards: solve your own puzzle)");
    }

    private static int Run(CliContext context, int steps, double limit, string output, ulong seed)
    {
        var console = context.Console;
        var problem = new SudokuProblem(2, 2);
        var folder = RunFolder.Create(output);
        var trainer = new GsdmTrainer(problem, DemoSettings.Model(seed), DemoSettings.Trainer(steps, seed, folder.CheckpointPath));
        console.MarkupLine($"[bold]gsdm demo[/]: a graphically structured diffusion model learns 4x4 Sudoku on the CPU ({steps} steps or {limit:0} s, whichever comes first)");
        ModelSummary.Print(console, problem, trainer);
        new RunInfo { ProblemName = problem.Name, Problem = new ProblemSpec { Kind = ProblemKind.Sudoku, Block = "2x2" } }.Save(folder.RunInfoPath);

        var outcome = TrainingLoop.Run(trainer, folder, new TrainingBudget(steps, TimeSpan.FromSeconds(limit)), context.Interrupts, console);
        LossPlot.Save(MetricsLog.Read(folder.MetricsPath), folder.File("loss.png"), $"4x4 Sudoku GSDM: training loss ({outcome.FinalStep} steps)");
        AttentionMaskPlot.Save(problem.Graph, folder.File("attention-mask.png"));
        if (outcome.Interrupted)
        {
            console.MarkupLine($"[yellow]interrupted at step {outcome.FinalStep}[/]; checkpoint saved to {Markup.Escape(folder.CheckpointPath)}");
            console.MarkupLine($"continue with: gsdm train --resume {Markup.Escape(folder.Directory)} --steps {steps}");
            return ExitCodes.Interrupted;
        }

        console.MarkupLine($"sampling {DemoSettings.Count} held-out puzzles (half the cells given) and {DemoSettings.Count} unconditional grids (DDPM, {DemoSettings.Sampling.Steps} steps) ...");
        var result = DemoEvaluation.Run(problem, trainer);
        DemoEvaluation.PrintBoards(console, result);
        BoardSheetPlot.Save(DemoEvaluation.SheetBoards(result), 4, $"4x4 Sudoku GSDM after {outcome.FinalStep} training steps", folder.File("samples.png"));
        console.MarkupLine($"[grey]wrote {Markup.Escape(string.Join(", ", new[] { RunFolder.CheckpointFile, "run.json", "metrics.csv", "loss.png", "attention-mask.png", "samples.png" }))} into {Markup.Escape(folder.Directory)}[/]");
        context.Out.WriteLine($"demo: solved {result.Solved}/{DemoSettings.Count} puzzles, {result.Valid}/{DemoSettings.Count} unconditional grids valid, trained {outcome.FinalStep} steps in {outcome.Seconds:0.0} s");
        return ExitCodes.Success;
    }
}
