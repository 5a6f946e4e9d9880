using GsdmCore.Nn;

namespace GsdmCore.Nn.Tests;

/// <summary>Graphs used across the tests.</summary>
internal static class TestGraphs
{
    /// <summary>The Sudoku constraint graph of a box-size b puzzle (b^4 cells): cells sharing a row, column or box, plus self.</summary>
    public static SparseGraph Sudoku(int box)
    {
        int side = box * box, n = side * side;
        var edges = new List<(int, int)>();
        for (int a = 0; a < n; a++)
            for (int c = 0; c < n; c++)
            {
                int ra = a / side, ca = a % side, rc = c / side, cc = c % side;
                if (ra == rc || ca == cc || (ra / box == rc / box && ca / box == cc / box)) edges.Add((a, c));
            }
        return SparseGraph.FromEdges(n, edges);
    }

    /// <summary>A random graph: row i gets degrees[i] distinct keys including itself.</summary>
    public static SparseGraph Random(int[] degrees, int seed)
    {
        int n = degrees.Length;
        var rng = new System.Random(seed);
        var edges = new List<(int, int)>();
        for (int i = 0; i < n; i++)
        {
            var keys = new HashSet<int> { i };
            int want = Math.Clamp(degrees[i], 1, n);
            while (keys.Count < want) keys.Add(rng.Next(n));
            foreach (var j in keys) edges.Add((i, j));
        }
        return SparseGraph.FromEdges(n, edges);
    }

    public static Tensor Randn(int[] shape, ulong seed, Backends.DType dtype = Backends.DType.F64) =>
        Tensor.Randn(shape, new Generator(seed), dtype);
}
