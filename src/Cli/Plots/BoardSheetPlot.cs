using GsdmCore.Cli.Output;
using ScottPlot;

namespace GsdmCore.Cli.Plots;

/// <summary>
/// A sheet of Sudoku boards as a PNG: clues on blue cells in bold, filled-in cells on white (red when they clash),
/// thick lines between blocks, a title over each board.
/// </summary>
public static class BoardSheetPlot
{
    private const double Gap = 1.2;     // cells between boards
    private const double TitleRoom = 1.1; // cells above each board for its title

    /// <summary>Writes <paramref name="boards"/> (all of one Sudoku size) in rows of <paramref name="perRow"/>.</summary>
    public static void Save(IReadOnlyList<SudokuBoard> boards, int perRow, string title, string path)
    {
        if (boards.Count == 0) throw new ArgumentException("no boards to draw.", nameof(boards));
        var p = boards[0].Problem;
        int side = p.Side;
        int rows = (boards.Count + perRow - 1) / perRow;
        double boardW = side + Gap, boardH = side + Gap + TitleRoom;
        double width = perRow * boardW - Gap, height = rows * boardH - Gap;
        int cellPx = side <= 4 ? 36 : side <= 9 ? 26 : 18;
        var plot = new Plot();
        for (int b = 0; b < boards.Count; b++)
        {
            double x0 = (b % perRow) * boardW;
            double top = height - (b / perRow) * boardH - TitleRoom; // y of the board's top edge
            DrawBoard(plot, boards[b], x0, top, cellPx);
        }
        plot.HideAxesAndGrid();
        plot.Layout.Frameless();
        double margin = 0.4;
        plot.Axes.SetLimits(-margin, width + margin, -margin, height + margin + 1.0);
        var heading = plot.Add.Text(title, width / 2, height + 0.55);
        heading.LabelFontSize = cellPx * 0.55f;
        heading.LabelBold = true;
        heading.LabelAlignment = Alignment.MiddleCenter;
        int px = (int)Math.Round((width + 2 * margin) * cellPx);
        int py = (int)Math.Round((height + 2 * margin + 1.0) * cellPx);
        plot.SavePng(path, px, py);
    }

    private static void DrawBoard(Plot plot, SudokuBoard board, double x0, double top, int cellPx)
    {
        var p = board.Problem;
        int side = p.Side;
        for (int r = 0; r < side; r++)
            for (int c = 0; c < side; c++)
            {
                int i = r * side + c;
                double left = x0 + c, upper = top - r;
                var rect = plot.Add.Rectangle(left, left + 1, upper - 1, upper);
                rect.FillStyle.Color = board.Clue[i] ? Color.FromHex("#CFE3FA") : board.Clash[i] ? Color.FromHex("#F8C9C4") : Colors.White;
                rect.LineStyle.Color = Colors.Gray;
                rect.LineStyle.Width = 1;
                if (board.IsBlank(i)) continue;
                var text = plot.Add.Text(SudokuBoard.Digit(board.Values[i]).ToString(), left + 0.5, upper - 0.5);
                text.LabelFontSize = cellPx * 0.55f;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelBold = board.Clue[i];
                text.LabelFontColor = board.Clue[i] ? Color.FromHex("#0B3D91") : board.Clash[i] ? Color.FromHex("#B00020") : Colors.Black;
            }
        // Thick block borders.
        for (int k = 0; k <= side; k += p.BlockCols)
            Line(plot, x0 + k, top, x0 + k, top - side);
        for (int k = 0; k <= side; k += p.BlockRows)
            Line(plot, x0, top - k, x0 + side, top - k);
        var caption = plot.Add.Text(board.Title, x0 + side / 2.0, top + TitleRoom / 2);
        caption.LabelFontSize = cellPx * 0.42f;
        caption.LabelAlignment = Alignment.MiddleCenter;
        caption.LabelFontColor = board.Valid || board.IsPuzzle ? Colors.Black : Color.FromHex("#B00020");
    }

    private static void Line(Plot plot, double x1, double y1, double x2, double y2)
    {
        var line = plot.Add.Line(x1, y1, x2, y2);
        line.LineWidth = 2.5f;
        line.Color = Colors.Black;
    }
}
