using System.Globalization;
using System.Text;
using GsdmCore.Diffusion;

namespace GsdmCore.Problems;

/// <summary>
/// Binary-continuous matrix factorisation E = Rᵀ A: R[t, n] binary with P(R = 1) = 0.3, A[t, m] ~ U[0, 1], optional
/// intermediates K[t, n, m] = R[t, n] A[t, m], and E[n, m] = Σ_t K[t, n, m] observed. Edges as in the reference:
/// K – A, K – R and E – K over t; without K: E[n, m] – A[t, m] and E[n, m] – R[t, n] for every t. Plate t (over
/// R, A and K): the rank terms are exchangeable. Arrays come in the reference order A, E, [K,] R.
/// </summary>
public sealed class BcmfProblem : Problem
{
    /// <summary>P(R = 1).</summary>
    public const double ROneProbability = 0.3;

    /// <summary>The rank t.</summary>
    public int Rank { get; }

    /// <summary>Rows n of E.</summary>
    public int Rows { get; }

    /// <summary>Columns m of E.</summary>
    public int Columns { get; }

    /// <summary>Whether the intermediates K are modelled.</summary>
    public bool Intermediates { get; }

    /// <summary>A[t, m].</summary>
    public VariableArray A { get; }

    /// <summary>E[n, m] (observed).</summary>
    public VariableArray E { get; }

    /// <summary>K[t, n, m] = R[t, n] A[t, m], or null without intermediates.</summary>
    public VariableArray? K { get; }

    /// <summary>R[t, n] (K = 2).</summary>
    public VariableArray R { get; }

    /// <summary>The RMSE between two independent prior draws of E: sqrt(0.155 t).</summary>
    public double PriorPairRmse => Math.Sqrt(0.155 * Rank);

    /// <summary>The RMSE of predicting E by its prior mean 0.15 t: sqrt(0.0775 t).</summary>
    public double PriorMeanRmse => Math.Sqrt(0.0775 * Rank);

    /// <inheritdoc />
    public override string Name => $"bcmf-t{Rank}-n{Rows}-m{Columns}{(Intermediates ? "" : "-noint")}";

    /// <summary>E (n × m) = Rᵀ A with rank <paramref name="t"/>, with or without intermediates.</summary>
    public BcmfProblem(int t = 5, int n = 10, int m = 10, bool intermediates = true) : base(BuildModel(t, n, m, intermediates))
    {
        Rank = t;
        Rows = n;
        Columns = m;
        Intermediates = intermediates;
        A = Model.Array("A");
        E = Model.Array("E");
        K = intermediates ? Model.Array("K") : null;
        R = Model.Array("R");
    }

    /// <summary>The graphical model of BCMF with rank <paramref name="t"/> and E of n × m.</summary>
    public static GraphicalModel BuildModel(int t, int n, int m, bool intermediates)
    {
        if (t < 1 || n < 1 || m < 1) throw new ArgumentOutOfRangeException(nameof(t), $"BCMF needs t, n, m >= 1, got t = {t}, n = {n}, m = {m}.");
        var g = new GraphicalModelBuilder($"bcmf-t{t}-n{n}-m{m}{(intermediates ? "" : "-noint")}");
        var a = g.Continuous("A", ("t", t), ("m", m));
        var e = g.Continuous("E", ("n", n), ("m", m)).Observed();
        var k = intermediates ? g.Continuous("K", ("t", t), ("n", n), ("m", m)).Intermediate() : null;
        var r = g.Categorical("R", 2, ("t", t), ("n", n));
        if (k is not null)
            g.ConnectEach(k, x => [a[x["t"], x["m"]], r[x["t"], x["n"]], e[x["n"], x["m"]]]);
        else
            g.ConnectEach(e, x => Enumerable.Range(0, t).SelectMany(tt => new[] { a[tt, x["m"]], r[tt, x["n"]] }));
        g.Plate("t");
        return g.Build();
    }

    /// <inheritdoc />
    protected override void Generate(Span<float> row, ProblemRandom rng)
    {
        int t = Rank, n = Rows, m = Columns;
        var rv = new float[t * n];
        var av = new float[t * m];
        for (int i = 0; i < rv.Length; i++) rv[i] = rng.Bernoulli(ROneProbability) ? 1f : 0f;
        for (int i = 0; i < av.Length; i++) av[i] = (float)rng.NextDouble();
        var ev = Product(rv, av);
        var aSlice = Graph.Slice(A);
        var eSlice = Graph.Slice(E);
        var rSlice = Graph.Slice(R);
        for (int i = 0; i < av.Length; i++) row[aSlice.FeatureColumn(i)] = av[i];
        for (int i = 0; i < ev.Length; i++) row[eSlice.FeatureColumn(i)] = ev[i];
        for (int i = 0; i < rv.Length; i++) Layout.WriteClass(row, rSlice.NodeId(i), (int)rv[i]);
        if (K is not null)
        {
            var kSlice = Graph.Slice(K);
            for (int tt = 0; tt < t; tt++)
                for (int nn = 0; nn < n; nn++)
                    for (int mm = 0; mm < m; mm++)
                        row[kSlice.FeatureColumn((tt * n + nn) * m + mm)] = rv[tt * n + nn] * av[tt * m + mm];
        }
    }

    /// <summary>Ê = Rᵀ A in float32, summing t in ascending order (R row-major [t, n], A row-major [t, m]; result [n, m]).</summary>
    public float[] Product(ReadOnlySpan<float> r, ReadOnlySpan<float> a)
    {
        int t = Rank, n = Rows, m = Columns;
        var e = new float[n * m];
        for (int nn = 0; nn < n; nn++)
            for (int mm = 0; mm < m; mm++)
            {
                float sum = 0f;
                for (int tt = 0; tt < t; tt++) sum += r[tt * n + nn] * a[tt * m + mm];
                e[nn * m + mm] = sum;
            }
        return e;
    }

    /// <summary>R (argmax of each node, as 0/1), A and E of one flat row.</summary>
    public (float[] R, float[] A, float[] E) Matrices(ReadOnlySpan<float> row)
    {
        var rSlice = Graph.Slice(R);
        var aSlice = Graph.Slice(A);
        var eSlice = Graph.Slice(E);
        var r = new float[Rank * Rows];
        var a = new float[Rank * Columns];
        var e = new float[Rows * Columns];
        for (int i = 0; i < r.Length; i++) r[i] = Layout.ReadClass(row, rSlice.NodeId(i));
        for (int i = 0; i < a.Length; i++) a[i] = row[aSlice.FeatureColumn(i)];
        for (int i = 0; i < e.Length; i++) e[i] = row[eSlice.FeatureColumn(i)];
        return (r, a, e);
    }

    /// <summary>
    /// rmse and max_abs between the observed E and Ê = Rᵀ A from the sampled R and A, with the reference scales
    /// prior_pair_rmse = sqrt(0.155 t) and prior_mean_rmse = sqrt(0.0775 t).
    /// </summary>
    protected override MetricReport Evaluate(ReadOnlySpan<float> samples, int batch, ProblemBatch conditioning)
    {
        int width = Layout.Width;
        double sq = 0, maxAbs = 0;
        for (int b = 0; b < batch; b++)
        {
            var (r, a, _) = Matrices(samples.Slice(b * width, width));
            var e = Matrices(conditioning.Row(b)).E;
            var eHat = Product(r, a);
            for (int i = 0; i < e.Length; i++)
            {
                double d = e[i] - eHat[i];
                sq += d * d;
                maxAbs = Math.Max(maxAbs, Math.Abs(d));
            }
        }
        return new MetricReport()
            .Add("rmse", Math.Sqrt(sq / (batch * Rows * Columns)))
            .Add("max_abs", maxAbs)
            .Add("prior_pair_rmse", PriorPairRmse)
            .Add("prior_mean_rmse", PriorMeanRmse);
    }

    /// <inheritdoc />
    protected override string RenderRow(ReadOnlySpan<float> row)
    {
        var (r, a, e) = Matrices(row);
        var sb = new StringBuilder();
        Matrix(sb, "R (t x n)", r, Rank, Rows, "0");
        Matrix(sb, "A (t x m)", a, Rank, Columns, "0.00");
        Matrix(sb, "E (n x m)", e, Rows, Columns, "0.00");
        Matrix(sb, "R^T A (n x m)", Product(r, a), Rows, Columns, "0.00");
        return sb.ToString().TrimEnd();
    }

    private static void Matrix(StringBuilder sb, string title, float[] values, int rows, int cols, string format)
    {
        sb.AppendLine(title + ":");
        for (int i = 0; i < rows; i++)
            sb.AppendLine("  " + string.Join(" ", Enumerable.Range(0, cols).Select(j => values[i * cols + j].ToString(format, CultureInfo.InvariantCulture).PadLeft(format.Length + 1))));
    }
}
