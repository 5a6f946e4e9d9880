using GsdmCore.Nn;
using GsdmCore.Problems;

namespace GsdmCore.Bench;

/// <summary>The attention graphs of the sparse-attention benchmarks, named "sudoku-N" or "random-N".</summary>
internal static class BenchGraphs
{
    /// <summary>Keys per row of the random graphs, self-loop included (a 9x9 Sudoku's degree).</summary>
    public const int RandomDegree = 21;

    public static SparseGraph Parse(string name)
    {
        int dash = name.LastIndexOf('-');
        int nodes = int.Parse(name[(dash + 1)..]);
        return name[..dash] switch
        {
            "sudoku" => Sudoku((int)Math.Round(Math.Sqrt(Math.Sqrt(nodes)))),
            "random" => Random(nodes, RandomDegree, seed: 1),
            _ => throw new ArgumentException($"unknown graph '{name}': use sudoku-N or random-N"),
        };
    }

    /// <summary>The attention graph the compiler makes for a (box^2 x box^2) Sudoku: row, column, box and self.</summary>
    public static SparseGraph Sudoku(int box) => new SudokuProblem(box, box).Graph.Attention;

    /// <summary>Every node attends to itself and <paramref name="degree"/> - 1 distinct others drawn uniformly.</summary>
    public static SparseGraph Random(int nodes, int degree, int seed) => Random(nodes, degree, seed, window: 0);

    /// <summary>
    /// Every node i attends to itself and <paramref name="degree"/> - 1 distinct others drawn uniformly from
    /// [i - window, i + window] (clamped to the nodes; <paramref name="window"/> 0: from all nodes). A small window keeps
    /// each row's keys within a few kilobytes of packed rows: the same work as <see cref="Random(int, int, int)"/>, with
    /// the gathers served from L1.
    /// </summary>
    public static SparseGraph Random(int nodes, int degree, int seed, int window)
    {
        if (window > 0 && 2 * window + 1 < degree)
            throw new ArgumentException($"a window of {window} holds {2 * window + 1} nodes, fewer than the degree {degree}.", nameof(window));
        var rng = new System.Random(seed);
        var edges = new List<(int, int)>();
        var keys = new HashSet<int>();
        for (int i = 0; i < nodes; i++)
        {
            keys.Clear();
            keys.Add(i);
            int lo = window == 0 ? 0 : Math.Max(0, Math.Min(i - window, nodes - 2 * window - 1));
            int span = window == 0 ? nodes : Math.Min(nodes, 2 * window + 1);
            while (keys.Count < degree) keys.Add(lo + rng.Next(span));
            foreach (var j in keys) edges.Add((i, j));
        }
        return SparseGraph.FromEdges(nodes, edges);
    }
}
