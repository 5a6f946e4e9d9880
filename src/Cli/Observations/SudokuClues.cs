using GsdmCore.Cli.Errors;
using GsdmCore.Cli.Output;
using GsdmCore.Problems;

namespace GsdmCore.Cli.Observations;

/// <summary>
/// Sudoku puzzles written as text: one character per cell, row by row (81 for 9x9, 16 for 4x4); digits 1-9 then
/// A-Z for larger grids; '.', '0' or '_' for a blank. Whitespace and the separators '|', '+' and '-' are ignored, so a
/// grid may be written on several lines. Checks length, characters and that the clues do not already clash.
/// </summary>
public static class SudokuClues
{
    /// <summary>The puzzles in <paramref name="text"/> (one or more back to back); each cell is its value 0..side-1 or -1 for a blank.</summary>
    public static IReadOnlyList<int[]> ParseMany(SudokuProblem problem, string text, string source)
    {
        var cells = Cells(problem, text, source);
        int n = problem.CellCount;
        if (cells.Count == 0 || cells.Count % n != 0)
        {
            string size = $"{problem.Side}x{problem.Side}";
            throw new UsageException(cells.Count < n || cells.Count % n == 0
                ? $"{source}: a {size} Sudoku needs {n} cells, got {cells.Count}."
                : $"{source}: {cells.Count} cells is not a whole number of {size} puzzles ({n} cells each).");
        }
        var puzzles = new List<int[]>();
        for (int k = 0; k < cells.Count / n; k++)
        {
            var grid = cells.Skip(k * n).Take(n).ToArray();
            CheckClash(problem, grid, cells.Count == n ? source : $"{source} (puzzle {k + 1})");
            puzzles.Add(grid);
        }
        return puzzles;
    }

    /// <summary>Exactly one puzzle.</summary>
    public static int[] Parse(SudokuProblem problem, string text, string source)
    {
        var cells = Cells(problem, text, source);
        if (cells.Count != problem.CellCount)
            throw new UsageException($"{source}: a {problem.Side}x{problem.Side} Sudoku needs {problem.CellCount} cells, got {cells.Count}.");
        var grid = cells.ToArray();
        CheckClash(problem, grid, source);
        return grid;
    }

    private static List<int> Cells(SudokuProblem problem, string text, string source)
    {
        var cells = new List<int>();
        int position = 0;
        foreach (char raw in text)
        {
            position++;
            if (char.IsWhiteSpace(raw) || raw is '|' or '+' or '-') continue;
            if (raw is '.' or '0' or '_') { cells.Add(-1); continue; }
            char c = problem.Side > 9 && problem.Side <= 35 ? char.ToUpperInvariant(raw) : raw;
            int v = SudokuText.Digits.IndexOf(c, StringComparison.Ordinal);
            if (v < 0 || v >= problem.Side)
                throw new UsageException($"{source}: '{raw}' (character {position}) is not a digit of a {problem.Side}x{problem.Side} Sudoku; use {SudokuText.Digits[0]}-{SudokuText.Digits[problem.Side - 1]} or '.' for a blank.");
            cells.Add(v);
        }
        return cells;
    }

    private static void CheckClash(SudokuProblem problem, int[] grid, string source)
    {
        int side = problem.Side;
        for (int a = 0; a < grid.Length; a++)
        {
            if (grid[a] < 0) continue;
            for (int b = a + 1; b < grid.Length; b++)
            {
                if (grid[b] != grid[a]) continue;
                int ra = a / side, ca = a % side, rb = b / side, cb = b % side;
                string? unit = ra == rb ? $"row {ra + 1}"
                    : ca == cb ? $"column {ca + 1}"
                    : ra / problem.BlockRows == rb / problem.BlockRows && ca / problem.BlockCols == cb / problem.BlockCols ? $"the block of r{ra + 1}c{ca + 1}"
                    : null;
                if (unit is not null)
                    throw new UsageException($"{source}: the clues clash: {SudokuText.Digits[grid[a]]} appears twice in {unit} (r{ra + 1}c{ca + 1} and r{rb + 1}c{cb + 1}), so the puzzle has no solution.");
            }
        }
    }
}
