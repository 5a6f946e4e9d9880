using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using GsdmCore.Problems;
using Xunit;

namespace GsdmCore.Problems.Tests;

/// <summary>Laws over random sizes and seeds: data obey their definitions, and the truth scores perfectly.</summary>
public class ProblemProperties
{
    [Property(MaxTest = 25)]
    public void Sudoku_grids_are_valid_and_the_truth_is_solved(PositiveInt shape, NonNegativeInt seed)
    {
        var (rows, cols) = (shape.Get % 3) switch { 0 => (2, 2), 1 => (2, 3), _ => (3, 2) };
        var p = new SudokuProblem(rows, cols);
        var batch = p.Sample(3, (ulong)seed.Get);
        for (int b = 0; b < 3; b++) Assert.True(SudokuGridGenerator.IsValid(p.Values(batch.Row(b)), rows, cols));
        var m = p.Evaluate(batch.Data, batch);
        Assert.Equal((0.0, 1.0, 1.0), (m["clashes"], m["solved"], m["clue_accuracy"]));
    }

    [Property(MaxTest = 25)]
    public void Bcmf_data_factorise_exactly(PositiveInt t, PositiveInt n, PositiveInt m, bool intermediates, NonNegativeInt seed)
    {
        var p = new BcmfProblem(1 + t.Get % 4, 1 + n.Get % 5, 1 + m.Get % 5, intermediates);
        var batch = p.Sample(2, (ulong)seed.Get);
        for (int b = 0; b < 2; b++)
        {
            var (r, a, e) = p.Matrices(batch.Row(b));
            Assert.Equal(p.Product(r, a), e);
        }
        Assert.Equal(0.0, p.Evaluate(batch.Data, batch)["rmse"]);
    }

    [Property(MaxTest = 25)]
    public void Sorting_truth_is_sorted_by_its_permutation(PositiveInt n, bool intermediates, NonNegativeInt seed)
    {
        var p = new SortingProblem(2 + n.Get % 8, intermediates);
        var batch = p.Sample(2, (ulong)seed.Get);
        var m = p.Evaluate(batch.Data, batch);
        Assert.Equal((1.0, 1.0, 0.0), (m["position_accuracy"], m["sorted_exactly"], m["s_rmse"]));
    }

    [Property(MaxTest = 25)]
    public void Boolean_truth_is_consistent(PositiveInt depth, bool intermediates, NonNegativeInt seed)
    {
        var p = new BooleanCircuitProblem(1 + depth.Get % 5, intermediates, gateSeed: (ulong)seed.Get % 7);
        var batch = p.Sample(3, (ulong)seed.Get);
        var m = p.Evaluate(batch.Data, batch);
        Assert.Equal(1.0, m["output_accuracy"]);
        if (intermediates) Assert.Equal(1.0, m["all_gates_correct"]);
    }
}
