using GsdmCore.Diffusion;
using GsdmCore.Problems;
using Xunit;

namespace GsdmCore.Problems.Tests;

/// <summary>Attention sizes against the reference table (papers.md §1.8).</summary>
public class MaskCountTests
{
    [Theory]
    [InlineData(2, 2, 16, 112, 8)]
    [InlineData(2, 3, 36, 432, 13)]
    [InlineData(3, 3, 81, 1620, 21)]
    [InlineData(4, 4, 256, 256 * 39, 40)] // 15 + 15 + 9 peers per cell (not in the table; same rule)
    public void Sudoku(int blockRows, int blockCols, int nodes, int edges, int maxKeys)
    {
        var g = new SudokuProblem(blockRows, blockCols).Graph;
        Assert.Equal((nodes, edges, maxKeys), (g.NodeCount, g.DirectedEdgeCount, g.MaxKeys));
    }

    /// <summary>
    /// The table's sorting "edges" are the size of the reference's edge set, which lists the self-pairs of u, s and
    /// P explicitly (n² + 2n of them; K's self-pairs are only added when the mask is built). Without self-loops the
    /// counts are the table's minus n² + 2n; node counts and max keys match the table exactly.
    /// </summary>
    [Theory]
    [InlineData(5, true, 60, 393, 10)]
    [InlineData(5, false, 35, 343, 13)]
    [InlineData(10, true, 220, 2538, 20)]
    [InlineData(10, false, 120, 2338, 23)]
    [InlineData(20, true, 840, 18078, 40)]
    [InlineData(20, false, 440, 17278, 43)]
    public void Sorting(int n, bool intermediates, int nodes, int referenceEdgeSet, int maxKeys)
    {
        var g = new SortingProblem(n, intermediates).Graph;
        int explicitSelfPairs = n * n + 2 * n;
        Assert.Equal((nodes, referenceEdgeSet - explicitSelfPairs, maxKeys), (g.NodeCount, g.DirectedEdgeCount, g.MaxKeys));
    }

    [Theory]
    [InlineData(2, 4, 4, true, 64, 192, 5)]
    [InlineData(2, 4, 4, false, 32, 128, 5)]
    [InlineData(5, 10, 10, true, 700, 3000, 11)]
    [InlineData(5, 10, 10, false, 200, 2000, 11)]
    [InlineData(8, 16, 10, true, 1648, 7680, 17)]
    [InlineData(8, 16, 10, false, 368, 5120, 17)]
    public void Bcmf(int t, int n, int m, bool intermediates, int nodes, int edges, int maxKeys)
    {
        var g = new BcmfProblem(t, n, m, intermediates).Graph;
        Assert.Equal((nodes, edges, maxKeys), (g.NodeCount, g.DirectedEdgeCount, g.MaxKeys));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    public void Boolean(int depth)
    {
        var with = new BooleanCircuitProblem(depth, intermediates: true).Graph;
        var without = new BooleanCircuitProblem(depth, intermediates: false).Graph;
        Assert.Equal((1 << (depth + 1)) - 1, with.NodeCount);
        Assert.Equal((1 << depth) + 1, without.NodeCount);
        // A tree: every gate has two input edges; without intermediates a star on the output.
        Assert.Equal(2 * 2 * ((1 << depth) - 1), with.DirectedEdgeCount);
        Assert.Equal(depth == 1 ? 3 : 4, with.MaxKeys);
        Assert.Equal(2 * (1 << depth), without.DirectedEdgeCount);
        Assert.Equal((1 << depth) + 1, without.MaxKeys);
    }

    [Fact]
    public void Feature_widths_follow_the_kinds()
    {
        Assert.Equal(81 * 9, new SudokuProblem().Graph.Features.Width);
        Assert.Equal(5 + 5 + 25 + 25 * 2, new SortingProblem(5).Graph.Features.Width);
        Assert.Equal(8 + 16 + 32 + 8 * 2, new BcmfProblem(2, 4, 4).Graph.Features.Width);
        var groups = new BcmfProblem(2, 4, 4).Graph.Features.Groups;
        Assert.Equal([(VariableKind.Continuous, 0, 56), (VariableKind.Categorical, 2, 8)], groups.Select(g => (g.Kind, g.Classes, g.Nodes.Count)));
    }
}
