using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace GsdmCore.Gsdm.Tests;

/// <summary>The invariance report agrees with the network on random small models with a plate.</summary>
public class InvarianceProperties
{
    /// <summary>
    /// A random model with plate "p" (size 2-3): 2-4 arrays, each with index p or not and 0-1 further indices drawn from
    /// a shared pool (so arrays can be aligned on them), random kinds (continuous or K = 2..3) and roles. Edges join
    /// nodes of two arrays that agree on every index the two share (plate-respecting), plus occasionally an arbitrary
    /// edge, and sometimes an array's EE grouping splits it by p; either may break the invariance.
    /// </summary>
    internal static CompiledGraph RandomPlatedModel(int seed)
    {
        var rng = new Random(seed);
        var m = new GraphicalModelBuilder($"plated{seed}");
        int plate = 2 + rng.Next(2);
        var pool = new[] { ("i", 1 + rng.Next(3)), ("j", 1 + rng.Next(2)) };
        var arrays = new List<VariableArray>();
        int count = 2 + rng.Next(3);
        for (int a = 0; a < count; a++)
        {
            var dims = new List<(string, int)>();
            if (a == 0 || rng.Next(3) > 0) dims.Add(("p", plate));
            if (rng.Next(2) == 0) dims.Add(pool[rng.Next(pool.Length)]);
            var array = rng.Next(2) == 0 ? m.Continuous($"a{a}", dims.ToArray()) : m.Categorical($"a{a}", 2 + rng.Next(2), dims.ToArray());
            switch (rng.Next(5))
            {
                case 0: array.Observed(); break;
                case 1: array.Intermediate(); break;
            }
            if (array.TryDimensionOf("p") >= 0 && rng.Next(6) == 0) array.ShareEmbeddings(x => x["p"]);
            arrays.Add(array);
        }
        for (int e = 1 + rng.Next(4); e > 0; e--)
        {
            var (from, to) = (arrays[rng.Next(arrays.Count)], arrays[rng.Next(arrays.Count)]);
            var shared = from.Dimensions.Select(d => d.Name).Where(n => to.TryDimensionOf(n) >= 0).ToArray();
            m.ConnectEach(from, x => to.Nodes.Where(y => shared.All(n => x[n] == y[n])));
        }
        if (rng.Next(3) == 0)
        {
            var nodes = arrays.SelectMany(a => a.Nodes).ToArray();
            m.Edge(nodes[rng.Next(nodes.Length)], nodes[rng.Next(nodes.Length)]);
        }
        m.Plate("p");
        return m.Compile();
    }

    private sealed class GraphProblem(CompiledGraph graph) : Problem(graph.Model)
    {
        public override string Name => graph.Model.Name;
        protected override void Generate(Span<float> row, ProblemRandom rng)
        {
            for (int i = 0; i < Graph.NodeCount; i++)
            {
                if (Layout.NodeWidth(i) == 1) Layout.WriteValue(row, i, (float)rng.Normal());
                else Layout.WriteClass(row, i, rng.NextInt(Layout.NodeWidth(i)));
            }
        }
        protected override MetricReport Evaluate(ReadOnlySpan<float> samples, int batch, ProblemBatch conditioning) => new();
        protected override string RenderRow(ReadOnlySpan<float> row) => "";
    }

    /// <summary>Checks every plate generator and one random plate permutation; returns (invariant rows, rows).</summary>
    private static (int Invariant, int Rows) CheckAgreement(int seed)
    {
        var graph = RandomPlatedModel(seed);
        var problem = new GraphProblem(graph);
        var variant = (EmbeddingVariant)(seed % 3);
        var extra = EquivarianceTests.RandomPlatePermutation(graph, "p", seed);
        var report = graph.CheckInvariance(variant, [extra]);
        var perms = graph.PlateGenerators("p").Append(extra).ToArray();
        var model = new GsdmDenoiser(graph, Nets.Small(variant, DType.F64, seed: (ulong)seed) with { EmbeddingDim = 8, Groups = 2 });
        int invariant = 0;
        for (int r = 0; r < report.Rows.Count; r++)
        {
            if (!report.Rows[r].Invariant) continue;
            invariant++;
            double error = EquivarianceTests.EquivarianceError(model, problem, perms[r], (ulong)seed, DType.F64);
            Assert.True(error < 1e-9, $"seed {seed}, {variant}: '{perms[r]}' is reported invariant but the network's error is {error}\n{graph}\n{report}");
        }
        return (invariant, report.Rows.Count);
    }

    [Property(MaxTest = 40)]
    public void Whenever_the_report_says_invariant_the_network_is_equivariant(PositiveInt seed) => CheckAgreement(seed.Get);

    [Fact]
    public void The_random_models_exercise_both_verdicts()
    {
        var results = Enumerable.Range(1, 30).Select(CheckAgreement).ToArray();
        int invariant = results.Sum(r => r.Invariant), rows = results.Sum(r => r.Rows);
        Assert.InRange(invariant, 10, rows - 10);
    }
}
