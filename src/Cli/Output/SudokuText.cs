using System.Text;
using Spectre.Console;

namespace GsdmCore.Cli.Output;

/// <summary>
/// Sudoku boards as console text: clues in brackets <c>[3]</c> (and bold), filled cells plain <c> 3 </c> (green, or red
/// with a <c>!</c> when they clash), blanks <c> . </c>; block separators between bands and stacks.
/// </summary>
public static class SudokuText
{
    /// <summary>The digit alphabet (value v prints as Digits[v]).</summary>
    public const string Digits = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@#";

    /// <summary>The legend printed under boards.</summary>
    public const string Legend = "[[n]] clue   n filled in   n! clashes with its row, column or block   . blank";

    /// <summary>The board as Spectre markup, its title on the first line.</summary>
    public static string Markup(SudokuBoard board)
    {
        var p = board.Problem;
        var sb = new StringBuilder();
        sb.AppendLine($"[bold]{Spectre.Console.Markup.Escape(board.Title)}[/]");
        int cellsPerStack = p.BlockCols;
        string rule = string.Join("+", Enumerable.Repeat(new string('-', 3 * cellsPerStack), p.Side / cellsPerStack));
        for (int r = 0; r < p.Side; r++)
        {
            if (r > 0 && r % p.BlockRows == 0) sb.AppendLine(rule);
            for (int c = 0; c < p.Side; c++)
            {
                if (c > 0 && c % p.BlockCols == 0) sb.Append('|');
                sb.Append(Cell(board, r * p.Side + c));
            }
            sb.AppendLine();
        }
        return sb.ToString().TrimEnd('\n', '\r');
    }

    private static string Cell(SudokuBoard board, int i)
    {
        if (board.IsBlank(i)) return "[grey] . [/]";
        char d = SudokuBoard.Digit(board.Values[i]);
        if (board.Clue[i]) return $"[bold deepskyblue1][[{d}]][/]";
        return board.Clash[i] ? $"[red] {d}![/]" : $"[green] {d} [/]";
    }
}
