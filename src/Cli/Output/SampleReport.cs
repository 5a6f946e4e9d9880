using GsdmCore.Problems;
using Spectre.Console;

namespace GsdmCore.Cli.Output;

/// <summary>Prints samples: Sudoku as boards beside their puzzles, other problems as their text rendering; then the metrics.</summary>
public static class SampleReport
{
    /// <summary>Writes the samples of <paramref name="conditioning"/> and their metrics.</summary>
    public static void Print(IAnsiConsole console, IProblem problem, ProblemBatch conditioning, float[] samples, bool given)
    {
        var tensor = Tensor.FromArray(samples, [conditioning.Size, problem.Graph.Features.Width]);
        if (problem is SudokuProblem sudoku)
        {
            var boards = new List<SudokuBoard>();
            bool anyClue = Enumerable.Range(0, conditioning.Size).Any(b => Enumerable.Range(0, sudoku.CellCount).Any(i => conditioning.IsObserved(b, i)));
            for (int b = 0; b < conditioning.Size; b++)
            {
                if (anyClue && (b == 0 || !SameClues(conditioning, b - 1, b, sudoku.CellCount)))
                    boards.Add(SudokuBoard.Puzzle(sudoku, conditioning, b, $"puzzle {b + 1}"));
                var board = SudokuBoard.FromSample(sudoku, samples, b, conditioning, "");
                boards.Add(board with { Title = $"sample {b + 1}: {(board.Valid ? "valid" : "clashes")}" });
            }
            BoardGrid.Print(console, boards, perRow: 4, group: 2);
        }
        else
        {
            for (int b = 0; b < conditioning.Size; b++)
            {
                console.MarkupLine($"[bold]sample {b + 1}[/]");
                console.WriteLine(problem.Render(tensor, b));
                console.WriteLine();
            }
        }
        MetricTable.Print(console, problem.Evaluate(tensor, conditioning), given ? $"{problem.Name}: metrics of the samples given the observations" : $"{problem.Name}: metrics");
    }

    private static bool SameClues(ProblemBatch batch, int a, int b, int cells)
    {
        var ra = batch.Row(a);
        var rb = batch.Row(b);
        if (!ra.SequenceEqual(rb)) return false;
        for (int i = 0; i < cells; i++) if (batch.IsObserved(a, i) != batch.IsObserved(b, i)) return false;
        return true;
    }
}
