using Spectre.Console;

namespace GsdmCore.Cli.Output;

/// <summary>Prints Sudoku boards side by side, as many to a row as the console width allows, with the legend underneath.</summary>
public static class BoardGrid
{
    /// <summary>
    /// Writes <paramref name="boards"/> to <paramref name="console"/>, at most <paramref name="perRow"/> to a row and a
    /// multiple of <paramref name="group"/> (e.g. 2 for puzzle / completion pairs) when the width allows; the legend
    /// follows when <paramref name="legend"/> is set.
    /// </summary>
    public static void Print(IAnsiConsole console, IReadOnlyList<SudokuBoard> boards, int perRow, bool legend = true, int group = 1)
    {
        if (boards.Count == 0) return;
        int side = boards[0].Problem.Side;
        int boardWidth = 3 * side + side / boards[0].Problem.BlockCols - 1;
        int columnWidth = Math.Max(boardWidth, boards.Max(b => b.Title.Length)) + 4;
        int fit = Math.Max(1, console.Profile.Width / columnWidth);
        int columns = Math.Min(Math.Min(perRow, boards.Count), fit);
        if (columns >= group) columns -= columns % group;
        var grid = new Grid();
        for (int c = 0; c < columns; c++) grid.AddColumn(new GridColumn().PadRight(4).NoWrap());
        for (int start = 0; start < boards.Count; start += columns)
        {
            var row = boards.Skip(start).Take(columns).Select(b => (Spectre.Console.Rendering.IRenderable)new Markup(SudokuText.Markup(b))).ToList();
            while (row.Count < columns) row.Add(new Text(""));
            grid.AddRow(row.ToArray());
            if (start + columns < boards.Count) grid.AddEmptyRow();
        }
        console.Write(grid);
        if (legend) console.MarkupLine($"[grey]{SudokuText.Legend}[/]");
    }
}
