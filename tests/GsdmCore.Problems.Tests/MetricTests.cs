using GsdmCore.Problems;
using Xunit;

namespace GsdmCore.Problems.Tests;

/// <summary>Metrics against hand-computed small cases.</summary>
public class MetricTests
{
    private static Tensor Rows(ProblemBatch batch, Action<int, float[]>? edit = null)
    {
        int w = batch.Graph.Features.Width;
        var data = batch.Data.ToArray();
        if (edit is not null)
            for (int b = 0; b < batch.Size; b++)
            {
                var row = data.AsSpan(b * w, w).ToArray();
                edit(b, row);
                row.CopyTo(data, b * w);
            }
        return Tensor.FromArray(data, [batch.Size, w]);
    }

    [Fact]
    public void Sorting_accuracy_counts_positions_and_whole_permutations()
    {
        var p = new SortingProblem(4);
        var batch = p.Sample(2, seed: 9);
        var perfect = p.Evaluate(Rows(batch), batch);
        Assert.Equal(1.0, perfect["position_accuracy"]);
        Assert.Equal(1.0, perfect["sorted_exactly"]);
        Assert.Equal(1.0, perfect["batch_all_sorted"]);
        Assert.Equal(0.0, perfect["rmse"]);
        Assert.Equal(0.0, perfect["s_rmse"]);

        // Datum 1: swap rows 0 and 1 of P, so positions 0 and 1 pick each other's index: 2 of 4 wrong.
        var slice = p.Graph.Slice(p.P);
        var swapped = p.Evaluate(Rows(batch, (b, row) =>
        {
            if (b != 1) return;
            for (int j = 0; j < 4; j++)
            {
                int c0 = slice.FeatureColumn(0 * 4 + j), c1 = slice.FeatureColumn(1 * 4 + j);
                (row[c0], row[c1]) = (row[c1], row[c0]);
                (row[c0 + 1], row[c1 + 1]) = (row[c1 + 1], row[c0 + 1]);
            }
        }), batch);
        Assert.Equal(6.0 / 8, swapped["position_accuracy"]);
        Assert.Equal(0.5, swapped["sorted_exactly"]);
        Assert.Equal(0.0, swapped["batch_all_sorted"]);
        var row1 = batch.Row(1).ToArray();
        var s = Enumerable.Range(0, 4).Select(i => (double)row1[p.Graph.Slice(p.S).FeatureColumn(i)]).ToArray();
        double expectedRmse = Math.Sqrt(2 * (s[1] - s[0]) * (s[1] - s[0]) / 8);
        Assert.Equal(expectedRmse, swapped["rmse"], 6);
    }

    [Fact]
    public void Bcmf_rmse_is_zero_for_the_truth_and_hand_computed_for_a_perturbed_A()
    {
        var p = new BcmfProblem(2, 3, 3);
        var batch = p.Sample(1, seed: 3);
        var exact = p.Evaluate(Rows(batch), batch);
        Assert.Equal(0.0, exact["rmse"]);
        Assert.Equal(0.0, exact["max_abs"]);
        Assert.Equal(0.557, exact["prior_pair_rmse"], 3);
        Assert.Equal(0.394, exact["prior_mean_rmse"], 3);
        Assert.Equal(1.114, new BcmfProblem(8, 2, 2).PriorPairRmse, 3);

        // Set every R to 1 and add 0.5 to A[0, 0]: Ê[n, 0] rises by 0.5 plus whatever R = 0 entries removed.
        var (r, a, e) = p.Matrices(batch.Row(0));
        var r1 = Enumerable.Repeat(1f, r.Length).ToArray();
        var a1 = (float[])a.Clone();
        a1[0] += 0.5f;
        var eHat = p.Product(r1, a1);
        double expected = Math.Sqrt(e.Zip(eHat, (x, y) => (double)(x - y) * (x - y)).Sum() / 9);
        var perturbed = p.Evaluate(Rows(batch, (_, row) =>
        {
            for (int i = 0; i < r.Length; i++) p.Graph.Features.WriteClass(row, p.Graph.Slice(p.R).NodeId(i), 1);
            row[p.Graph.Slice(p.A).FeatureColumn(0)] += 0.5f;
        }), batch);
        Assert.Equal(expected, perturbed["rmse"], 6);
        Assert.True(perturbed["rmse"] > 0);
    }

    [Fact]
    public void Boolean_accuracy_on_a_hand_built_circuit()
    {
        // depth 1: y = x0 AND x1.
        var p = new BooleanCircuitProblem(new BooleanCircuit([[GateKind.And]]), intermediates: true);
        var f = p.Graph.Features;
        float[] Datum(int x0, int x1, int y)
        {
            var row = new float[f.Width];
            f.WriteClass(row, 0, x0);
            f.WriteClass(row, 1, x1);
            f.WriteClass(row, 2, y);
            return row;
        }
        var truth = new[] { Datum(1, 1, 1), Datum(0, 1, 0), Datum(1, 0, 0), Datum(0, 0, 0) };
        var observed = Enumerable.Range(0, 4).SelectMany(_ => new float[] { 1, 1, 0 }).ToArray();
        var conditioning = new ProblemBatch(p.Graph, 4, truth.SelectMany(x => x).ToArray(), observed);
        // Samples: datum 0 wrong (says 0), the rest right.
        var sampled = new[] { Datum(1, 1, 0), Datum(0, 1, 0), Datum(1, 0, 0), Datum(0, 0, 0) };
        var metrics = p.Evaluate(Tensor.FromArray(sampled.SelectMany(x => x).ToArray(), [4, f.Width]), conditioning);
        Assert.Equal(0.75, metrics["output_accuracy"]);
        // Targets: one 1 (share 1/4), three 0 (share 3/4): balanced = (0 + 3 * 1/(2*3/4)) / 4 = 0.5.
        Assert.Equal(0.5, metrics["balanced_output_accuracy"], 12);
        Assert.Equal(0.75, metrics["gate_accuracy"]);
        Assert.Equal(0.75, metrics["all_gates_correct"]);
        Assert.Contains("y  : 0", p.Render(Tensor.FromArray(sampled[0], [1, f.Width]), 0));
    }

    [Fact]
    public void Renderings_name_their_parts()
    {
        var sorting = new SortingProblem(3);
        Assert.Contains("u[P]", sorting.Render(sorting.Sample(1, 1).Data, 0));
        var bcmf = new BcmfProblem(2, 2, 2);
        Assert.Contains("R^T A (n x m)", bcmf.Render(bcmf.Sample(1, 1).Data, 0));
        var boolean = new BooleanCircuitProblem(3);
        var text = boolean.Render(boolean.Sample(1, 1).Data, 0);
        Assert.Contains("h1 :", text);
        Assert.Contains("y  :", text);
    }

    [Fact]
    public void Evaluate_checks_shapes()
    {
        var p = new SortingProblem(3);
        var batch = p.Sample(2, 1);
        Assert.Throws<ArgumentException>(() => p.Evaluate(Tensor.FromArray(new float[10], [1, 10]), batch));
        Assert.Throws<ArgumentException>(() => p.Evaluate(Tensor.FromArray(batch.Data.ToArray()[..p.Graph.Features.Width], [1, p.Graph.Features.Width]), batch));
    }
}
