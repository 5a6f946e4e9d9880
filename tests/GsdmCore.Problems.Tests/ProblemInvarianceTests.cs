using GsdmCore.Diffusion;
using GsdmCore.Problems;
using Xunit;

namespace GsdmCore.Problems.Tests;

/// <summary>Theorem 3.1 reports on the problems.</summary>
public class ProblemInvarianceTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Bcmf_plate_t_is_invariant_under_EE_only(bool intermediates)
    {
        var g = new BcmfProblem(3, 4, 4, intermediates).Graph;
        Assert.True(g.CheckInvariance(EmbeddingVariant.Exchangeable).IsInvariant("t"));
        Assert.False(g.CheckInvariance(EmbeddingVariant.Independent).IsInvariant("t"));
        Assert.False(g.CheckInvariance(EmbeddingVariant.Array).IsInvariant("t"));
        Assert.All(g.CheckInvariance(EmbeddingVariant.Independent).Rows, r => Assert.True(r.MaskPreserved));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Sorting_plate_j_relabelling_the_unsorted_list_is_invariant_under_EE(bool intermediates)
    {
        var g = new SortingProblem(4, intermediates).Graph;
        var ee = g.CheckInvariance(EmbeddingVariant.Exchangeable);
        Assert.Equal(3, ee.Rows.Count);
        Assert.True(ee.IsInvariant("j"));
        Assert.False(g.CheckInvariance(EmbeddingVariant.Independent).IsInvariant("j"));
    }

    /// <summary>
    /// Swapping two row bands maps rows to rows, columns to columns and blocks to blocks, so M = πM. Under the
    /// reference's row-segment grouping a cell's segment id names its row, so the band swap moves every moved cell to
    /// a different id: not an invariance. With one id for all cells it is. Column swaps inside a stack keep each
    /// cell in its row segment, so they are invariances even under the row-segment grouping.
    /// </summary>
    [Fact]
    public void Sudoku_band_swaps_preserve_the_mask_but_not_the_row_segment_embeddings()
    {
        var p = new SudokuProblem(3, 3);
        var band = p.SwapRowBands(0, 2);
        var report = p.Graph.CheckInvariance(EmbeddingVariant.Exchangeable, [band]);
        var row = report.Row(band.Name);
        Assert.True(row.MaskPreserved);
        Assert.False(row.EmbeddingsShared);
        Assert.False(row.Invariant);

        var single = new SudokuProblem(3, 3, rowSegmentEmbeddings: false);
        Assert.True(single.Graph.CheckInvariance(EmbeddingVariant.Exchangeable, [single.SwapRowBands(0, 2)]).AllInvariant);
        Assert.False(single.Graph.CheckInvariance(EmbeddingVariant.Independent, [single.SwapRowBands(0, 2)]).AllInvariant);
        Assert.False(single.Graph.CheckInvariance(EmbeddingVariant.Array, [single.SwapRowBands(0, 2)]).AllInvariant);

        var within = p.Graph.CheckInvariance(EmbeddingVariant.Exchangeable,
            [p.SwapColumns(0, 1), p.SwapColumns(3, 5), p.SwapColumnStacks(0, 1), p.SwapRows(0, 1), p.SwapRows(0, 3)]);
        Assert.True(within.Row("swap columns 0<->1").Invariant);
        Assert.True(within.Row("swap columns 3<->5").Invariant);
        Assert.True(within.Row("swap column stacks 0<->1").MaskPreserved);
        Assert.False(within.Row("swap column stacks 0<->1").EmbeddingsShared);
        Assert.True(within.Row("swap rows 0<->1").MaskPreserved);
        Assert.False(within.Row("swap rows 0<->1").EmbeddingsShared);
        Assert.False(within.Row("swap rows 0<->3").MaskPreserved); // rows of different bands: blocks break
    }

    [Fact]
    public void Sudoku_cell_swap_across_rows_breaks_the_mask()
    {
        var p = new SudokuProblem(2, 2);
        var swap = p.SwapCells((0, 0), (1, 2));
        var row = p.Graph.CheckInvariance(EmbeddingVariant.Exchangeable, [swap]).Row(swap.Name);
        Assert.False(row.MaskPreserved);
        Assert.False(row.Invariant);
        Assert.Contains("not in the mask", row.Detail);
        Assert.False(new SudokuProblem(2, 2, rowSegmentEmbeddings: false).Graph
            .CheckInvariance(EmbeddingVariant.Exchangeable, [new SudokuProblem(2, 2, false).SwapCells((0, 0), (1, 2))]).AllInvariant);
    }

    /// <summary>
    /// Swapping the two inputs of one gate keeps the tree; swapping inputs of different gates does not. Without
    /// intermediates every input joins only the output, so under EE the model is invariant to ANY input permutation,
    /// a symmetry the circuit itself lacks: that model cannot represent a non-symmetric circuit exactly.
    /// </summary>
    [Fact]
    public void Boolean_input_swaps()
    {
        var with = new BooleanCircuitProblem(3, intermediates: true);
        var x = with.X;
        var sameGate = with.Graph.Permutation("x0<->x1", n => n == x[0] ? x[1] : n == x[1] ? x[0] : n);
        var otherGate = with.Graph.Permutation("x0<->x2", n => n == x[0] ? x[2] : n == x[2] ? x[0] : n);
        var report = with.Graph.CheckInvariance(EmbeddingVariant.Exchangeable, [sameGate, otherGate]);
        Assert.True(report.Row("x0<->x1").Invariant);
        Assert.False(report.Row("x0<->x2").MaskPreserved);

        var without = new BooleanCircuitProblem(3, intermediates: false);
        var xs = without.X;
        var anySwap = without.Graph.Permutation("x0<->x2", n => n == xs[0] ? xs[2] : n == xs[2] ? xs[0] : n);
        Assert.True(without.Graph.CheckInvariance(EmbeddingVariant.Exchangeable, [anySwap]).AllInvariant);
        Assert.Equal(2, without.Graph.Embeddings(EmbeddingVariant.Exchangeable).Count);
        Assert.Equal(4, with.Graph.Embeddings(EmbeddingVariant.Exchangeable).Count); // x, h1, h2, y
    }
}
