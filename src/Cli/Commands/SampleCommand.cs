using System.CommandLine;
using GsdmCore.Cli.Errors;
using GsdmCore.Cli.Help;
using GsdmCore.Cli.Observations;
using GsdmCore.Cli.Output;
using GsdmCore.Cli.Runs;
using GsdmCore.Cli.Settings;
using GsdmCore.Problems;
using Spectre.Console;

namespace GsdmCore.Cli.Commands;

/// <summary><c>gsdm sample</c>: draws samples from a trained run, optionally conditioned on given observations.</summary>
public static class SampleCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        var run = new RunOptionSet();
        var observe = new Option<string?>("--observe") { Description = "What is given. Sudoku: the grid row by row, '.' for blanks (16 characters for 4x4, 81 for 9x9). Others: the observed values, comma separated.", HelpName = "VALUES" };
        var observeFile = new Option<string?>("--observe-file") { Description = "A file of one or more instances written as for --observe ('#' starts a comment line).", HelpName = "FILE" };
        var count = new Option<int?>("--count", "-n") { Description = "Samples per given instance (default 1), or instances to draw when nothing is given (default 8)." };
        var sampling = new SamplingOptionSet();
        var command = new Command("sample", "Draw samples from a trained GSDM; with --observe, complete the given instance (e.g. solve a Sudoku).");
        command.Options.Add(run.Checkpoint);
        command.Options.Add(observe);
        command.Options.Add(observeFile);
        command.Options.Add(count);
        sampling.AddTo(command);
        command.Options.Add(run.Device);
        command.SetAction(parse =>
        {
            var on = run.ReadDevice(parse);
            var options = sampling.Read(parse);
            int? n = parse.GetValue(count);
            if (n is < 1 or > 4096) throw new UsageException($"--count must lie in 1..4096, got {n}.");
            var trained = run.Load(parse, on);
            var given = ObservationInput.Read(trained.Problem, parse.GetValue(observe), parse.GetValue(observeFile), n ?? 1);
            var conditioning = given ?? Unconditioned(trained.Problem, n ?? 8, options.Seed);
            var samples = trained.Trainer.Sample(conditioning, options).ToArray();
            SampleReport.Print(context.Console, trained.Problem, conditioning, samples, given is not null);
            return ExitCodes.Success;
        });
        return command.WithExamples(
            "gsdm sample --checkpoint runs/demo                                  (8 unconditional 4x4 grids)",
            "gsdm sample --checkpoint runs/demo --observe \"1..4 .4.. ..1. 3..2\"     (solve a 4x4 puzzle)",
            "gsdm sample -c runs/sudoku9 --observe 53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79",
            "gsdm sample -c runs/sudoku9 --observe-file puzzles.txt --count 4 --steps 200",
            "gsdm sample -c runs/sorting-n5 --observe 0.3,-1.2,2.0,0.1,0.7");
    }

    /// <summary>
    /// What to sample when nothing is given: Sudoku draws grids with no clue; problems that observe variables by
    /// default draw <paramref name="count"/> instances from their generator and condition on those.
    /// </summary>
    private static ProblemBatch Unconditioned(IProblem problem, int count, ulong seed) =>
        problem is SudokuProblem sudoku ? sudoku.Sample(count, seed ^ 0x5A3D1E, observedFraction: 0.0) : problem.Sample(count, seed ^ 0x5A3D1E);
}
