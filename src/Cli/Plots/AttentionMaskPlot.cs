using GsdmCore.Diffusion;
using ScottPlot;

namespace GsdmCore.Cli.Plots;

/// <summary>The compiled graph's attention mask (which node attends to which) as a PNG: black where attention is allowed.</summary>
public static class AttentionMaskPlot
{
    /// <summary>Writes the mask of <paramref name="graph"/> to <paramref name="path"/>.</summary>
    public static void Save(CompiledGraph graph, string path)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int n = graph.NodeCount;
        var rp = graph.Attention.RowPointers;
        var cols = graph.Attention.Columns;
        // The heatmap draws its first data row at the bottom of its rectangle: store query i in row n-1-i so that
        // query 0 is the top row of the picture (the y axis runs downwards, as in a matrix).
        var cells = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) cells[n - 1 - i, j] = 1;
        for (int i = 0; i < n; i++)
            for (int e = rp[i]; e < rp[i + 1]; e++) cells[n - 1 - i, cols[e]] = 0;
        var plot = new Plot();
        var map = plot.Add.Heatmap(cells);
        map.Colormap = new ScottPlot.Colormaps.Grayscale();
        map.Rectangle = new CoordinateRect(-0.5, n - 0.5, n - 0.5, -0.5);
        plot.Axes.SetLimits(-0.5, n - 0.5, n - 0.5, -0.5);
        plot.Title($"{graph.Model.Name} attention mask\n{n} nodes, {graph.DirectedEdgeCount} directed edges, max {graph.MaxKeys} keys", size: 14);
        plot.XLabel("key node");
        plot.YLabel("query node");
        int size = Math.Clamp(8 * n + 160, 480, 900);
        plot.SavePng(path, size, size);
    }
}
