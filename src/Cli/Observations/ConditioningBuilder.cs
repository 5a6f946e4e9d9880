using GsdmCore.Problems;

namespace GsdmCore.Cli.Observations;

/// <summary>Builds the <see cref="ProblemBatch"/> that conditions sampling from parsed observations, each repeated <c>count</c> times.</summary>
public static class ConditioningBuilder
{
    /// <summary>A batch of Sudoku puzzles (cells -1 are blank).</summary>
    public static ProblemBatch Sudoku(SudokuProblem problem, IReadOnlyList<int[]> puzzles, int count)
    {
        var graph = problem.Graph;
        int width = graph.Features.Width, nodes = graph.NodeCount, size = puzzles.Count * count;
        var data = new float[size * width];
        var mask = new float[size * nodes];
        for (int p = 0; p < puzzles.Count; p++)
            for (int k = 0; k < count; k++)
            {
                int b = p * count + k;
                var row = data.AsSpan(b * width, width);
                for (int cell = 0; cell < problem.CellCount; cell++)
                {
                    if (puzzles[p][cell] < 0) continue;
                    int node = problem.NodeId(cell / problem.Side, cell % problem.Side);
                    graph.Features.WriteClass(row, node, puzzles[p][cell]);
                    mask[b * nodes + node] = 1;
                }
            }
        return new ProblemBatch(graph, size, data, mask);
    }

    /// <summary>A batch observing the default-observed nodes of <paramref name="problem"/> with the given values.</summary>
    public static ProblemBatch Values(IProblem problem, IReadOnlyList<float[]> instances, int count)
    {
        var graph = problem.Graph;
        var observed = ValueObservation.ObservedNodes(problem);
        int width = graph.Features.Width, nodes = graph.NodeCount, size = instances.Count * count;
        var data = new float[size * width];
        var mask = new float[size * nodes];
        for (int p = 0; p < instances.Count; p++)
            for (int k = 0; k < count; k++)
            {
                int b = p * count + k;
                var row = data.AsSpan(b * width, width);
                for (int i = 0; i < observed.Length; i++)
                {
                    int node = observed[i];
                    if (graph.Features.NodeWidth(node) == 1) graph.Features.WriteValue(row, node, instances[p][i]);
                    else graph.Features.WriteClass(row, node, (int)instances[p][i]);
                    mask[b * nodes + node] = 1;
                }
            }
        return new ProblemBatch(graph, size, data, mask);
    }
}
