using GsdmCore.Problems;
using Xunit;

namespace GsdmCore.Problems.Tests;

/// <summary>Generated data satisfy their generative definitions.</summary>
public class GeneratorTests
{
    [Theory]
    [InlineData(5, true)]
    [InlineData(7, false)]
    public void Sorting_data_are_sorted_with_a_valid_permutation(int n, bool intermediates)
    {
        var p = new SortingProblem(n, intermediates);
        var batch = p.Sample(50, seed: 1);
        var f = p.Graph.Features;
        for (int b = 0; b < batch.Size; b++)
        {
            var row = batch.Row(b).ToArray();
            var u = Enumerable.Range(0, n).Select(j => row[p.Graph.Slice(p.U).FeatureColumn(j)]).ToArray();
            var s = Enumerable.Range(0, n).Select(i => row[p.Graph.Slice(p.S).FeatureColumn(i)]).ToArray();
            Assert.Equal(u.Order(), s);
            var pm = new int[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    int node = p.Graph.Slice(p.P).NodeId(i * n + j);
                    Assert.Equal(1f, row.AsSpan(f.Offset(node), 2).ToArray().Sum());
                    pm[i, j] = f.ReadClass(row, node);
                }
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(1, Enumerable.Range(0, n).Sum(j => pm[i, j]));
                Assert.Equal(1, Enumerable.Range(0, n).Sum(j => pm[j, i]));
                int picked = Enumerable.Range(0, n).Single(j => pm[i, j] == 1);
                Assert.Equal(s[i], u[picked]);
                if (p.K is { } k)
                    for (int j = 0; j < n; j++)
                        Assert.Equal(pm[i, j] * u[j], row[p.Graph.Slice(k).FeatureColumn(i * n + j)]);
            }
            for (int j = 0; j < n; j++) Assert.True(batch.IsObserved(b, p.Graph.Slice(p.U).NodeId(j)));
            Assert.False(batch.IsObserved(b, p.Graph.Slice(p.S).NodeId(0)));
        }
        var all = batch.Data.ToArray();
        var us = Enumerable.Range(0, 50).SelectMany(b => Enumerable.Range(0, n).Select(j => (double)all[b * f.Width + j])).ToArray();
        Assert.InRange(us.Average(), -0.35, 0.35);
        Assert.InRange(us.Select(x => x * x).Average(), 0.7, 1.3);
    }

    [Theory]
    [InlineData(2, 4, 4, true)]
    [InlineData(5, 3, 6, false)]
    public void Bcmf_data_satisfy_E_equals_R_transpose_A_exactly(int t, int n, int m, bool intermediates)
    {
        var p = new BcmfProblem(t, n, m, intermediates);
        var batch = p.Sample(200, seed: 2);
        double ones = 0;
        for (int b = 0; b < batch.Size; b++)
        {
            var row = batch.Row(b).ToArray();
            var (r, a, e) = p.Matrices(row);
            Assert.All(r, x => Assert.True(x is 0f or 1f));
            Assert.All(a, x => Assert.InRange(x, 0f, 1f));
            for (int nn = 0; nn < n; nn++)
                for (int mm = 0; mm < m; mm++)
                {
                    float sum = 0f;
                    for (int tt = 0; tt < t; tt++) sum += r[tt * n + nn] * a[tt * m + mm];
                    Assert.Equal(sum, e[nn * m + mm]);
                }
            if (p.K is { } k)
                for (int tt = 0; tt < t; tt++)
                    for (int nn = 0; nn < n; nn++)
                        for (int mm = 0; mm < m; mm++)
                            Assert.Equal(r[tt * n + nn] * a[tt * m + mm], row[p.Graph.Slice(k).FeatureColumn((tt * n + nn) * m + mm)]);
            ones += r.Sum();
            Assert.True(batch.IsObserved(b, p.Graph.Slice(p.E).NodeId(0)));
            Assert.False(batch.IsObserved(b, p.Graph.Slice(p.R).NodeId(0)));
        }
        Assert.InRange(ones / (200.0 * t * n), 0.25, 0.35);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void Boolean_outputs_are_consistent_with_the_circuit(int depth, bool intermediates)
    {
        var p = new BooleanCircuitProblem(depth, intermediates);
        var batch = p.Sample(60, seed: 4);
        for (int b = 0; b < batch.Size; b++)
        {
            var row = batch.Row(b).ToArray();
            var inputs = p.Inputs(row);
            var gates = p.Gates(row);
            var truth = p.Circuit.Evaluate(inputs);
            Assert.Equal(truth[^1][0], gates[^1][0]);
            if (intermediates)
                for (int l = 0; l < depth; l++) Assert.Equal(truth[l], gates[l]);
            // Recompute every gate by hand from its two inputs.
            var below = inputs;
            for (int l = 1; l <= depth; l++)
            {
                for (int g = 0; g < truth[l - 1].Length; g++)
                {
                    bool x = below[2 * g], y = below[2 * g + 1];
                    Assert.Equal(p.Circuit.Layer(l)[g] == GateKind.And ? x && y : x || y, truth[l - 1][g]);
                }
                below = truth[l - 1];
            }
            for (int i = 0; i < inputs.Length; i++) Assert.True(batch.IsObserved(b, i));
            Assert.False(batch.IsObserved(b, p.Graph.NodeCount - 1));
        }
    }

    [Fact]
    public void Gate_types_are_fixed_by_the_seed_and_rebalanced()
    {
        var a = new BooleanCircuit(5, gateSeed: 1);
        var b = new BooleanCircuit(5, gateSeed: 1);
        for (int l = 1; l <= 5; l++) Assert.Equal(a.Layer(l), b.Layer(l));
        Assert.Contains(Enumerable.Range(2, 8).Select(s => new BooleanCircuit(5, (ulong)s)), c => !c.Layer(1).SequenceEqual(a.Layer(1)));
        // After rebalancing no OR gate of layer >= 2 is 1 more than 80% of the time, no AND gate less than 20%.
        var rng = new ProblemRandom(99);
        var ones = new int[5][];
        for (int l = 0; l < 5; l++) ones[l] = new int[1 << (4 - l)];
        for (int s = 0; s < 2000; s++)
        {
            var inputs = Enumerable.Range(0, 32).Select(_ => rng.NextInt(2) == 1).ToArray();
            var layers = a.Evaluate(inputs);
            for (int l = 0; l < 5; l++) for (int g = 0; g < layers[l].Length; g++) if (layers[l][g]) ones[l][g]++;
        }
        for (int l = 2; l <= 5; l++)
            for (int g = 0; g < ones[l - 1].Length; g++)
            {
                double freq = ones[l - 1][g] / 2000.0;
                if (a.Layer(l)[g] == GateKind.Or) Assert.True(freq < 0.85, $"layer {l} gate {g} OR is 1 with frequency {freq}");
                else Assert.True(freq > 0.15, $"layer {l} gate {g} AND is 1 with frequency {freq}");
            }
    }

    [Fact]
    public void The_random_stream_is_deterministic_and_uniform_enough()
    {
        var a = new ProblemRandom(5, 3);
        var b = new ProblemRandom(5, 3);
        Assert.Equal(Enumerable.Range(0, 20).Select(_ => a.NextUInt()), Enumerable.Range(0, 20).Select(_ => b.NextUInt()));
        var r = new ProblemRandom(8);
        var counts = new int[7];
        for (int i = 0; i < 7000; i++) counts[r.NextInt(7)]++;
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
        var perm = r.Permutation(10);
        Assert.Equal(Enumerable.Range(0, 10), perm.Order());
        Assert.All(Enumerable.Range(0, 1000).Select(_ => r.NextDouble()), x => Assert.InRange(x, 0.0, 1.0 - 1e-17));
    }
}
