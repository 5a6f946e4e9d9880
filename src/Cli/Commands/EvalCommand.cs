using System.CommandLine;
using System.Diagnostics;
using GsdmCore.Cli.Errors;
using GsdmCore.Cli.Help;
using GsdmCore.Cli.Output;
using GsdmCore.Cli.Runs;
using GsdmCore.Cli.Settings;
using GsdmCore.Problems;
using Spectre.Console;

namespace GsdmCore.Cli.Commands;

/// <summary><c>gsdm eval</c>: samples held-out instances of the run's problem and prints the problem's metrics.</summary>
public static class EvalCommand
{
    /// <summary>Seed of the held-out instances (the trainer draws its data from other streams).</summary>
    public const ulong HeldOutSeed = 0xE7A1;

    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        var checkpoint = new Option<string>("--checkpoint", "-c") { Description = "Run folder (or its checkpoint.safetensors) written by 'gsdm train'.", Required = true, HelpName = "DIR" };
        var count = new Option<int>("--count", "-n") { Description = "Held-out instances to sample and score.", DefaultValueFactory = _ => 64 };
        var fraction = new Option<double?>("--observed-fraction") { Description = "Sudoku: share of cells given as clues (default 0.5; 0 = unconditional)." };
        var device = new Option<string?>("--device") { Description = "cpu (default), cuda or cuda:N (an NVIDIA GPU).", HelpName = "cpu|cuda|cuda:N" };
        var sampling = new SamplingOptionSet();
        var command = new Command("eval", "Sample held-out instances of the run's problem and print its metrics (Sudoku: solved, clashes; sorting: accuracy; BCMF: RMSE; Boolean: accuracy).");
        command.Options.Add(checkpoint);
        command.Options.Add(count);
        command.Options.Add(fraction);
        sampling.AddTo(command);
        command.Options.Add(device);
        command.SetAction(parse =>
        {
            var on = ModelChoices.Device(parse.GetValue(device));
            var options = sampling.Read(parse);
            int n = parse.GetValue(count);
            if (n is < 1 or > 4096) throw new UsageException($"--count must lie in 1..4096, got {n}.");
            double? f = parse.GetValue(fraction);
            if (f is < 0 or > 1) throw new UsageException($"--observed-fraction must lie in [0, 1], got {f}.");
            var run = TrainedRun.Load(parse.GetValue(checkpoint)!, "--checkpoint", on);
            if (f is not null && run.Problem is not SudokuProblem) throw new UsageException("--observed-fraction applies to Sudoku runs only.");
            var batch = run.Problem is SudokuProblem sudoku ? sudoku.Sample(n, HeldOutSeed, f ?? 0.5) : run.Problem.Sample(n, HeldOutSeed);
            var clock = Stopwatch.StartNew();
            var metrics = run.Problem.Evaluate(run.Trainer.Sample(batch, options), batch);
            string what = run.Problem is SudokuProblem ? $", {(f ?? 0.5) * 100:0}% of cells given" : "";
            MetricTable.Print(context.Console, metrics,
                $"{run.Problem.Name} after {run.Trainer.Step} steps: {n} held-out instances{what}, {options.Kind.ToString().ToUpperInvariant()} {options.Steps} steps");
            context.Console.MarkupLine($"[grey]sampled in {clock.Elapsed.TotalSeconds:0.0} s[/]");
            return ExitCodes.Success;
        });
        return command.WithExamples(
            "gsdm eval --checkpoint runs/demo",
            "gsdm eval -c runs/demo --observed-fraction 0 --count 256      (unconditional validity)",
            "gsdm eval -c runs/sorting-n5 --sampler ddim --steps 50");
    }
}
