using System.Globalization;
using System.Text;
using GsdmCore.Diffusion;

namespace GsdmCore.Problems;

/// <summary>
/// Sorting n reals. u ~ N(0, I_n) is observed; s = sort(u) (continuous); the permutation matrix P (n² binary nodes,
/// P[i, j] = 1 when s_i = u_j); optionally the intermediates K[i, j] = P[i, j] u_j. Edges as in the reference:
/// a chain along s, cliques on each row and each column of P, and with intermediates u_j – K[i, j], K[i, j] – s_i,
/// P[i, j] – K[i, j]; without them P[i, j] – s_i and u_j – s_i for all pairs. Index i is the sorted position and j
/// the unsorted one; plate j (over u, K and P) says relabelling the unsorted list leaves the density unchanged.
/// Exchangeable embeddings follow the reference: one id for all u, one per s_i, one for all K, one for all P.
/// </summary>
public sealed class SortingProblem : Problem
{
    /// <summary>The list length n.</summary>
    public int Length { get; }

    /// <summary>Whether the intermediates K are modelled.</summary>
    public bool Intermediates { get; }

    /// <summary>The observed unsorted list u[j].</summary>
    public VariableArray U { get; }

    /// <summary>The sorted list s[i].</summary>
    public VariableArray S { get; }

    /// <summary>The permutation matrix P[i, j] (K = 2; class 1 means s_i = u_j).</summary>
    public VariableArray P { get; }

    /// <summary>The intermediates K[i, j] = P[i, j] u_j, or null without intermediates.</summary>
    public VariableArray? K { get; }

    /// <inheritdoc />
    public override string Name => $"sorting-n{Length}{(Intermediates ? "" : "-noint")}";

    /// <summary>Sorting of <paramref name="n"/> values, with or without the intermediates K.</summary>
    public SortingProblem(int n = 10, bool intermediates = true) : base(BuildModel(n, intermediates))
    {
        Length = n;
        Intermediates = intermediates;
        U = Model.Array("u");
        S = Model.Array("s");
        P = Model.Array("P");
        K = intermediates ? Model.Array("K") : null;
    }

    /// <summary>The graphical model of sorting <paramref name="n"/> values (arrays u, s, [K,] P in this order, as in the reference).</summary>
    public static GraphicalModel BuildModel(int n, bool intermediates)
    {
        if (n < 2) throw new ArgumentOutOfRangeException(nameof(n), $"sorting needs at least 2 values, got n = {n}.");
        var m = new GraphicalModelBuilder($"sorting-n{n}{(intermediates ? "" : "-noint")}");
        var u = m.Continuous("u", ("j", n)).Observed();
        var s = m.Continuous("s", ("i", n)).ShareEmbeddings(x => x["i"]);
        var k = intermediates ? m.Continuous("K", ("i", n), ("j", n)).Intermediate() : null;
        var p = m.Categorical("P", 2, ("i", n), ("j", n));
        m.Chain(s.Nodes);
        m.FactorsBy(p, "i");
        m.FactorsBy(p, "j");
        if (k is not null)
            m.ConnectEach(k, x => [u[x["j"]], s[x["i"]], p[x["i"], x["j"]]]);
        else
        {
            m.ConnectEach(p, x => [s[x["i"]]]);
            m.ConnectAll(u.Nodes, s.Nodes);
        }
        m.Plate("j");
        return m.Build();
    }

    /// <inheritdoc />
    protected override void Generate(Span<float> row, ProblemRandom rng)
    {
        int n = Length;
        var u = new float[n];
        for (int j = 0; j < n; j++) u[j] = (float)rng.Normal();
        var order = SortOrder(u);
        var uSlice = Graph.Slice(U);
        var sSlice = Graph.Slice(S);
        var pSlice = Graph.Slice(P);
        for (int j = 0; j < n; j++) row[uSlice.FeatureColumn(j)] = u[j];
        for (int i = 0; i < n; i++)
        {
            row[sSlice.FeatureColumn(i)] = u[order[i]];
            for (int j = 0; j < n; j++)
            {
                bool hit = order[i] == j;
                Layout.WriteClass(row, pSlice.NodeId(i * n + j), hit ? 1 : 0);
                if (K is not null) row[Graph.Slice(K).FeatureColumn(i * n + j)] = hit ? u[j] : 0f;
            }
        }
    }

    /// <summary>The indices that sort <paramref name="values"/> ascending (stable).</summary>
    public static int[] SortOrder(ReadOnlySpan<float> values)
    {
        var copy = values.ToArray();
        return Enumerable.Range(0, copy.Length).OrderBy(j => copy[j]).ThenBy(j => j).ToArray();
    }

    /// <summary>For each sorted position i, the unsorted index j that row i of P picks: argmax_j of P[i, j]'s class-1 score.</summary>
    public int[] PredictedOrder(ReadOnlySpan<float> row)
    {
        int n = Length;
        var slice = Graph.Slice(P);
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            float bestScore = float.NegativeInfinity;
            for (int j = 0; j < n; j++)
            {
                int col = slice.FeatureColumn(i * n + j);
                float score = row[col + 1] - row[col];
                if (score > bestScore) { bestScore = score; best = j; }
            }
            order[i] = best;
        }
        return order;
    }

    /// <summary>
    /// position_accuracy (fraction of positions where argmax-row(P) is the true index), sorted_exactly (fraction of
    /// samples with every position right), batch_all_sorted (the reference's all-or-nothing sort_completed),
    /// rmse (sort(u) vs u gathered by the predicted permutation), s_rmse (sampled s vs sort(u)).
    /// </summary>
    protected override MetricReport Evaluate(ReadOnlySpan<float> samples, int batch, ProblemBatch conditioning)
    {
        int n = Length, width = Layout.Width;
        var uSlice = Graph.Slice(U);
        var sSlice = Graph.Slice(S);
        int hits = 0, exact = 0;
        double sq = 0, sSq = 0;
        var u = new float[n];
        for (int b = 0; b < batch; b++)
        {
            var truth = conditioning.Row(b);
            var row = samples.Slice(b * width, width);
            for (int j = 0; j < n; j++) u[j] = truth[uSlice.FeatureColumn(j)];
            var order = SortOrder(u);
            var predicted = PredictedOrder(row);
            int rowHits = 0;
            for (int i = 0; i < n; i++)
            {
                if (predicted[i] == order[i]) rowHits++;
                double d = u[order[i]] - u[predicted[i]];
                sq += d * d;
                double ds = row[sSlice.FeatureColumn(i)] - u[order[i]];
                sSq += ds * ds;
            }
            hits += rowHits;
            if (rowHits == n) exact++;
        }
        return new MetricReport()
            .Add("position_accuracy", (double)hits / (batch * n))
            .Add("sorted_exactly", (double)exact / batch)
            .Add("batch_all_sorted", exact == batch ? 1.0 : 0.0)
            .Add("rmse", Math.Sqrt(sq / (batch * n)))
            .Add("s_rmse", Math.Sqrt(sSq / (batch * n)));
    }

    /// <inheritdoc />
    protected override string RenderRow(ReadOnlySpan<float> row)
    {
        int n = Length;
        var uSlice = Graph.Slice(U);
        var sSlice = Graph.Slice(S);
        var u = new float[n];
        for (int j = 0; j < n; j++) u[j] = row[uSlice.FeatureColumn(j)];
        var predicted = PredictedOrder(row);
        var sb = new StringBuilder();
        sb.AppendLine("u        : " + Join(u));
        sb.AppendLine("P-order  : " + string.Join(" ", predicted.Select(j => j.ToString(CultureInfo.InvariantCulture).PadLeft(6))));
        sb.AppendLine("u[P]     : " + Join(predicted.Select(j => u[j])));
        var s = new float[n];
        for (int i = 0; i < n; i++) s[i] = row[sSlice.FeatureColumn(i)];
        sb.Append("s        : " + Join(s));
        return sb.ToString();
    }

    private static string Join(IEnumerable<float> values) =>
        string.Join(" ", values.Select(v => v.ToString("0.000", CultureInfo.InvariantCulture).PadLeft(6)));
}
