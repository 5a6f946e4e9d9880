using GsdmCore.Diffusion;
using GsdmCore.Problems;
using Xunit;

namespace GsdmCore.Problems.Tests;

/// <summary>A problem defined from the public API alone, as in the README.</summary>
public class CustomProblemTests
{
    /// <summary>y = x0 + ... + x(n-1), with x ~ N(0, 1) observed; every x joins y; plate i over x.</summary>
    private sealed class SumProblem : Problem
    {
        private readonly int _n;

        public SumProblem(int n) : base(Build(n)) => _n = n;

        public override string Name => $"sum-{_n}";

        private static GraphicalModel Build(int n)
        {
            var m = new GraphicalModelBuilder($"sum-{n}");
            var x = m.Continuous("x", ("i", n)).Observed();
            var y = m.Continuous("y");
            m.ConnectAll(x.Nodes, y.Nodes);
            m.Plate("i");
            return m.Build();
        }

        protected override void Generate(Span<float> row, ProblemRandom rng)
        {
            float sum = 0;
            for (int i = 0; i < _n; i++) sum += row[i] = (float)rng.Normal();
            row[_n] = sum;
        }

        protected override MetricReport Evaluate(ReadOnlySpan<float> samples, int batch, ProblemBatch conditioning)
        {
            double sq = 0;
            for (int b = 0; b < batch; b++)
            {
                double d = samples[b * (_n + 1) + _n] - conditioning.Row(b)[_n];
                sq += d * d;
            }
            return new MetricReport().Add("rmse", Math.Sqrt(sq / batch));
        }

        protected override string RenderRow(ReadOnlySpan<float> row) => $"sum = {row[_n]}";
    }

    [Fact]
    public void A_user_defined_problem_plugs_into_the_common_interface()
    {
        IProblem p = new SumProblem(3);
        var batch = p.Sample(4, seed: 1);
        Assert.Equal([4, 4], batch.Data.Shape);
        Assert.Equal([1f, 1f, 1f, 0f], batch.ObservedRow(0).ToArray());
        Assert.Equal(0.0, p.Evaluate(batch.Data, batch)["rmse"]);
        Assert.StartsWith("sum = ", p.Render(batch.Data, 2));
        Assert.True(p.Graph.CheckInvariance(EmbeddingVariant.Exchangeable).IsInvariant("i"));
        Assert.Equal(6, p.Graph.DirectedEdgeCount);
    }

    [Fact]
    public void The_readme_example_compiles_and_reports()
    {
        var m = new GraphicalModelBuilder("bcmf");
        var a = m.Continuous("A", ("t", 3), ("m", 4));
        var e = m.Continuous("E", ("n", 4), ("m", 4)).Observed();
        var k = m.Continuous("K", ("t", 3), ("n", 4), ("m", 4)).Intermediate();
        var r = m.Categorical("R", 2, ("t", 3), ("n", 4));
        m.ConnectEach(k, x => [a[x["t"], x["m"]], r[x["t"], x["n"]], e[x["n"], x["m"]]]);
        m.Plate("t");
        CompiledGraph g = m.Compile();

        Assert.Equal(12 + 16 + 48 + 12, g.NodeCount);
        Assert.Equal(3 * 48 * 2, g.Attention.EdgeCount - g.NodeCount);
        Assert.Equal(2, g.Features.Groups.Count);
        Assert.Equal(4, g.Embeddings(EmbeddingVariant.Exchangeable).Count);
        Assert.True(g.CheckInvariance(EmbeddingVariant.Exchangeable).IsInvariant("t"));
        Assert.Equal(new BcmfProblem(3, 4, 4).Graph.Attention.Columns.ToArray(), g.Attention.Columns.ToArray());
    }
}
