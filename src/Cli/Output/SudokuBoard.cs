using GsdmCore.Problems;

namespace GsdmCore.Cli.Output;

/// <summary>
/// One Sudoku grid to show: its values (0 .. side - 1), which cells were clues, and which cells clash with a
/// neighbour of the same value in their row, column or block.
/// </summary>
public sealed record SudokuBoard(SudokuProblem Problem, int[] Values, bool[] Clue, bool[] Clash, string Title)
{
    /// <summary>True when no cell clashes.</summary>
    public bool Valid => !Clash.Any(c => c);

    /// <summary>Item <paramref name="item"/> of flat samples, with the clues of <paramref name="conditioning"/>'s item.</summary>
    public static SudokuBoard FromSample(SudokuProblem problem, float[] flatSamples, int item, ProblemBatch conditioning, string title)
    {
        int width = problem.Graph.Features.Width;
        var values = problem.Values(flatSamples.AsSpan(item * width, width));
        var clue = new bool[problem.CellCount];
        for (int i = 0; i < clue.Length; i++) clue[i] = conditioning.IsObserved(item, i);
        return new SudokuBoard(problem, values, clue, Clashes(problem, values), title);
    }

    /// <summary>The puzzle of <paramref name="conditioning"/>'s item: clue values, 0 elsewhere (see <see cref="IsBlank"/>).</summary>
    public static SudokuBoard Puzzle(SudokuProblem problem, ProblemBatch conditioning, int item, string title)
    {
        var values = problem.Values(conditioning.Row(item));
        var clue = new bool[problem.CellCount];
        for (int i = 0; i < clue.Length; i++) clue[i] = conditioning.IsObserved(item, i);
        var shown = values.Select((v, i) => clue[i] ? v : 0).ToArray();
        return new SudokuBoard(problem, shown, clue, new bool[clue.Length], title) { IsPuzzle = true };
    }

    /// <summary>True for a puzzle: cells that are not clues are blank.</summary>
    public bool IsPuzzle { get; init; }

    /// <summary>Whether cell <paramref name="cell"/> is shown blank.</summary>
    public bool IsBlank(int cell) => IsPuzzle && !Clue[cell];

    /// <summary>The cells that share a row, column or block with a cell of the same value.</summary>
    public static bool[] Clashes(SudokuProblem problem, ReadOnlySpan<int> values)
    {
        var att = problem.Graph.Attention;
        var rp = att.RowPointers;
        var cols = att.Columns;
        var clash = new bool[problem.CellCount];
        for (int i = 0; i < clash.Length; i++)
            for (int e = rp[i]; e < rp[i + 1]; e++)
                if (cols[e] != i && values[cols[e]] == values[i]) clash[i] = true;
        return clash;
    }

    /// <summary>The character of value <paramref name="value"/> (1-9, then A-Z as in <see cref="SudokuProblem"/>).</summary>
    public static char Digit(int value) => SudokuText.Digits[value];
}
