using GsdmCore.Cli.Runs;
using ScottPlot;

namespace GsdmCore.Cli.Plots;

/// <summary>The training-loss curve of a run as a PNG (ScottPlot).</summary>
public static class LossPlot
{
    /// <summary>Plots the mean loss of each <c>metrics.csv</c> row against its step; returns false when there is nothing to plot.</summary>
    public static bool Save(IReadOnlyList<MetricsLog.Row> rows, string path, string title)
    {
        var finite = rows.Where(r => double.IsFinite(r.MeanLoss)).ToArray();
        if (finite.Length == 0) return false;
        var plot = new Plot();
        var line = plot.Add.ScatterLine(finite.Select(r => (double)r.Step).ToArray(), finite.Select(r => r.MeanLoss).ToArray());
        line.LineWidth = 2;
        line.Color = Colors.SteelBlue;
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("mean loss per logging window");
        plot.Axes.SetLimitsY(0, finite.Max(r => r.MeanLoss) * 1.05);
        plot.SavePng(path, 640, 400);
        return true;
    }
}
