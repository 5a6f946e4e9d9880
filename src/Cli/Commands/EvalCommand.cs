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
        var run = new RunOptionSet();
        var count = new Option<int>("--count", "-n") { Description = "Held-out instances to sample and score.", DefaultValueFactory = _ => 64 };
        var fraction = new Option<double?>("--observed-fraction") { Description = "Sudoku: share of cells given as clues (default 0.5; 0 = unconditional)." };
        var sampling = new SamplingOptionSet();
        var command = new Command("eval", "Sample held-out instances of the run's problem and print its metrics (Sudoku: solved, clashes; sorting: accuracy; BCMF: RMSE; Boolean: accuracy).");
        command.Options.Add(run.Checkpoint);
        command.Options.Add(count);
        command.Options.Add(fraction);
        sampling.AddTo(command);
        command.Options.Add(run.Device);
        command.SetAction(parse =>
        {
            var on = run.ReadDevice(parse);
            var options = sampling.Read(parse);
            int n = parse.GetValue(count);
            if (n is < 1 or > 4096) throw new UsageException($"--count must lie in 1..4096, got {n}.");
            double? f = parse.GetValue(fraction);
            if (f is < 0 or > 1) throw new UsageException($"--observed-fraction must lie in [0, 1], got {f}.");
            var trained = run.Load(parse, on);
            if (f is not null && trained.Problem is not SudokuProblem) throw new UsageException("--observed-fraction applies to Sudoku runs only.");
            var batch = trained.Problem is SudokuProblem sudoku ? sudoku.Sample(n, HeldOutSeed, f ?? 0.5) : trained.Problem.Sample(n, HeldOutSeed);
            var clock = Stopwatch.StartNew();
            var metrics = trained.Problem.Evaluate(trained.Trainer.Sample(batch, options), batch);
            string what = trained.Problem is SudokuProblem ? $", {(f ?? 0.5) * 100:0}% of cells given" : "";
            MetricTable.Print(context.Console, metrics,
                $"{trained.Problem.Name} after {trained.Trainer.Step} steps: {n} held-out instances{what}, {options.Kind.ToString().ToUpperInvariant()} {options.Steps} steps");
            context.Console.MarkupLine($"[grey]sampled in {clock.Elapsed.TotalSeconds:0.0} s[/]");
            return ExitCodes.Success;
        });
        return command.WithExamples(
            "gsdm eval --checkpoint runs/demo",
            "gsdm eval -c runs/demo --observed-fraction 0 --count 256      (unconditional validity)",
            "gsdm eval -c runs/sorting-n5 --sampler ddim --steps 50");
    }
}
