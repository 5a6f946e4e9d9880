using GsdmCore.Cli.Output;
using GsdmCore.Diffusion.Training;
using GsdmCore.Problems;
using Spectre.Console;

namespace GsdmCore.Cli.Commands;

/// <summary>The demo's evaluation: the completed held-out puzzles and the unconditional grids, scored and drawn.</summary>
public static class DemoEvaluation
{
    /// <summary>The sampled boards and their counts.</summary>
    /// <param name="Puzzles">The held-out puzzles.</param>
    /// <param name="Completions">The sampled completions, one per puzzle.</param>
    /// <param name="Unconditional">The unconditional samples.</param>
    /// <param name="Solved">Completions without clashes that keep their clues.</param>
    /// <param name="Valid">Unconditional grids without clashes.</param>
    public sealed record Result(IReadOnlyList<SudokuBoard> Puzzles, IReadOnlyList<SudokuBoard> Completions, IReadOnlyList<SudokuBoard> Unconditional, int Solved, int Valid);

    /// <summary>Samples and scores both sets with the trainer's EMA weights.</summary>
    public static Result Run(SudokuProblem problem, GsdmTrainer trainer)
    {
        int n = DemoSettings.Count;
        var puzzles = problem.Sample(n, DemoSettings.PuzzleSeed, observedFraction: 0.5);
        var empty = problem.Sample(n, DemoSettings.UnconditionalSeed, observedFraction: 0.0);
        float[] solved, free;
        double solvedShare, validShare;
        using (TensorScope.Begin())
        {
            var a = trainer.Sample(puzzles, DemoSettings.Sampling);
            solvedShare = problem.Evaluate(a, puzzles)["solved"];
            solved = a.ToArray();
            var b = trainer.Sample(empty, DemoSettings.Sampling with { Seed = DemoSettings.Sampling.Seed + 1 });
            validShare = problem.Evaluate(b, empty)["without_clashes"];
            free = b.ToArray();
        }
        var puzzleBoards = Enumerable.Range(0, n).Select(i => SudokuBoard.Puzzle(problem, puzzles, i, $"puzzle {i + 1}")).ToArray();
        var completions = Enumerable.Range(0, n).Select(i =>
        {
            var board = SudokuBoard.FromSample(problem, solved, i, puzzles, "");
            return board with { Title = $"completion {i + 1}: {(board.Valid ? "solved" : "clashes")}" };
        }).ToArray();
        var unconditional = Enumerable.Range(0, n).Select(i =>
        {
            var board = SudokuBoard.FromSample(problem, free, i, empty, "");
            return board with { Title = $"unconditional {i + 1}: {(board.Valid ? "valid" : "clashes")}" };
        }).ToArray();
        return new Result(puzzleBoards, completions, unconditional,
            (int)Math.Round(solvedShare * n), (int)Math.Round(validShare * n));
    }

    /// <summary>Prints three puzzles beside their completions and four unconditional grids.</summary>
    public static void PrintBoards(IAnsiConsole console, Result result)
    {
        var pairs = new List<SudokuBoard>();
        for (int i = 0; i < 3; i++)
        {
            pairs.Add(result.Puzzles[i]);
            pairs.Add(result.Completions[i]);
        }
        BoardGrid.Print(console, pairs, perRow: 6, legend: false, group: 2);
        BoardGrid.Print(console, result.Unconditional.Take(4).ToArray(), perRow: 4);
    }

    /// <summary>The boards of samples.png: four puzzle / completion pairs, then four unconditional grids.</summary>
    public static IReadOnlyList<SudokuBoard> SheetBoards(Result result)
    {
        var boards = new List<SudokuBoard>();
        for (int i = 0; i < 4; i++)
        {
            boards.Add(result.Puzzles[i]);
            boards.Add(result.Completions[i]);
        }
        boards.AddRange(result.Unconditional.Take(4));
        return boards;
    }
}
