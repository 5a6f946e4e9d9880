using System.Globalization;
using GsdmCore.Problems;
using Spectre.Console;

namespace GsdmCore.Cli.Output;

/// <summary>A problem's metrics as a table.</summary>
public static class MetricTable
{
    /// <summary>Writes <paramref name="metrics"/> under <paramref name="title"/>.</summary>
    public static void Print(IAnsiConsole console, MetricReport metrics, string title)
    {
        console.MarkupLine($"[bold]{Markup.Escape(title)}[/]");
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (name, value) in metrics.Entries)
            table.AddRow(Markup.Escape(name), value.ToString("0.####", CultureInfo.InvariantCulture));
        console.Write(table);
    }
}
