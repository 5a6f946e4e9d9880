namespace GsdmCore.Categorical.Tests;

/// <summary>The forward process, schedules and posteriors against closed forms and brute-force Bayes.</summary>
public class ProcessTests
{
    [Fact]
    public void Cosine_schedule_matches_the_reference_figures()
    {
        var s = CategoricalSchedule.Cosine(1000);
        Assert.Equal(0.99998, s.AlphaBar(1), 5);
        Assert.Equal(0.7027, s.AlphaBar(500), 4);
        Assert.InRange(s.AlphaBar(1000), 4.85e-5, 4.95e-5);
        Assert.Equal(1.0, s.AlphaBar(0));
    }

    [Fact]
    public void Absorbing_schedule_masks_with_probability_t_over_T()
    {
        var d = Make(DiffusionKind.Absorbing, 3, CategoricalSchedule.MutualInformation(1000));
        var x0 = Tensor.FromArray(new double[] { 0, 1, 0, 0 }, [1, 1, 4]);
        foreach (int t in new[] { 1, 10, 250, 500, 999, 1000 })
        {
            Assert.Equal(1.0 / (1000 - t + 1), 1 - d.Schedule.Alpha(t), 12);
            var q = d.Marginal(x0, [t]).ToArray<double>();
            Assert.Equal(t / 1000.0, q[3], 12);
            Assert.Equal(1 - t / 1000.0, q[1], 12);
        }
    }

    [Theory]
    [InlineData(DiffusionKind.Multinomial)]
    [InlineData(DiffusionKind.Absorbing)]
    public void Default_schedules_reach_the_stationary_distribution(DiffusionKind kind)
    {
        const int k = 4;
        var d = Make(kind, k, CategoricalSchedule.Default(kind, 1000));
        int states = d.States(k);
        for (int c = 0; c < k; c++)
        {
            var oneHot = new double[states];
            oneHot[c] = 1;
            var q = d.Marginal(Tensor.FromArray(oneHot, [1, 1, states]), [1000]).ToArray<double>();
            for (int j = 0; j < states; j++)
            {
                double expected = kind == DiffusionKind.Multinomial ? 1.0 / k : j == k ? 1 : 0;
                Assert.True(Math.Abs(q[j] - expected) < 1e-4, $"class {c}, state {j}: {q[j]} vs {expected}");
            }
        }
    }

    public static TheoryData<DiffusionKind, int> Schedules => new()
    {
        { DiffusionKind.Multinomial, 0 }, { DiffusionKind.Multinomial, 1 }, { DiffusionKind.Absorbing, 2 }, { DiffusionKind.Absorbing, 1 },
    };

    private static CategoricalSchedule Schedule(int which) => which switch
    {
        0 => CategoricalSchedule.Cosine(4),
        1 => CategoricalSchedule.Linear(4, 0.1, 0.6),
        _ => CategoricalSchedule.MutualInformation(4),
    };

    /// <summary>
    /// K = 3, T = 4: q(x_s | x_t, x0) for every s &lt; t (one step and skip steps) equals Bayes' rule over explicit
    /// transition matrices, rows sum to 1, and a probability vector x0 gives the expectation form (a mixture of posteriors).
    /// </summary>
    [Theory]
    [MemberData(nameof(Schedules))]
    public void Posterior_equals_brute_force_Bayes(DiffusionKind kind, int schedule)
    {
        const int k = 3, T = 4;
        var d = Make(kind, k, Schedule(schedule));
        int n = d.States(k);
        var steps = new double[T + 1][,];
        for (int t = 1; t <= T; t++) steps[t] = StepMatrix(kind, k, d.Schedule.Alpha(t));
        double[,] Between(int s, int t)
        {
            var m = Identity(n);
            for (int r = s + 1; r <= t; r++) m = MatMul(m, steps[r]);
            return m;
        }
        var x0Dist = new[] { 0.2, 0.5, 0.3 };
        for (int t = 1; t <= T; t++)
            for (int s = 0; s < t; s++)
            {
                var qs = Between(0, s);
                var qst = Between(s, t);
                var qt = Between(0, t);
                for (int xt = 0; xt < n; xt++)
                {
                    // one-hot x0
                    for (int x0 = 0; x0 < k; x0++)
                    {
                        if (qt[x0, xt] <= 0) continue;
                        var got = Exp(d.LogPosterior(OneHot(xt, n), OneHot(x0, n), [s], [t]));
                        Assert.Equal(1.0, got.Sum(), 10);
                        for (int xs = 0; xs < n; xs++)
                        {
                            double expected = qst[xs, xt] * qs[x0, xs] / qt[x0, xt];
                            Assert.True(Math.Abs(got[xs] - expected) < 1e-9, $"{kind} s={s} t={t} xt={xt} x0={x0} xs={xs}: {got[xs]} vs {expected}");
                        }
                    }
                    // probability vector x0: sum over x0 consistent with x_t of p(x0) q(x_s | x_t, x0), renormalised
                    var joint = new double[n];
                    double z = 0;
                    for (int x0 = 0; x0 < k; x0++)
                    {
                        if (qt[x0, xt] <= 0) continue;
                        z += x0Dist[x0];
                        for (int xs = 0; xs < n; xs++) joint[xs] += x0Dist[x0] * qs[x0, xs] * qst[xs, xt] / qt[x0, xt];
                    }
                    if (z <= 0) continue;
                    var probs = new double[n];
                    Array.Copy(x0Dist, probs, k);
                    var expectation = Exp(d.LogPosterior(OneHot(xt, n), Tensor.FromArray(probs, [1, 1, n]), [s], [t]));
                    for (int xs = 0; xs < n; xs++) Assert.True(Math.Abs(expectation[xs] - joint[xs] / z) < 1e-9, $"expectation form {kind} s={s} t={t} xt={xt} xs={xs}");
                }
            }
    }

    [Theory]
    [InlineData(DiffusionKind.Multinomial)]
    [InlineData(DiffusionKind.Absorbing)]
    public void Every_kl_term_is_non_negative(DiffusionKind kind)
    {
        const int k = 5, T = 50, batch = 64;
        var d = Make(kind, k, CategoricalSchedule.Default(kind, T));
        var g = new Generator(3);
        int n = d.States(k);
        for (int t = 1; t <= T; t += 7)
        {
            var classes = Tensor.Rand([batch], g, DType.F64).ToArray<double>().Select(u => (int)(u * k)).ToArray();
            var x0 = Tensor.FromArray(classes.SelectMany(c => Enumerable.Range(0, n).Select(j => j == c ? 1.0 : 0.0)).ToArray(), [batch, 1, n]);
            var q = d.Marginal(x0, Enumerable.Repeat(t, batch).ToArray()).ToArray<double>();
            var u = Tensor.Rand([batch], g, DType.F64).ToArray<double>();
            var xt = new double[batch * n];
            for (int b = 0; b < batch; b++)
            {
                double c = 0;
                int j = 0;
                for (; j < n - 1; j++) { c += q[b * n + j]; if (c > u[b]) break; }
                xt[b * n + j] = 1;
            }
            var logits = Tensor.Randn([batch, 1, k], g, DType.F64) * 4.0;
            var predicted = d.ProbabilitiesToStates(logits.Softmax(-1));
            var ts = Enumerable.Repeat(t, batch).ToArray();
            var ss = Enumerable.Repeat(t - 1, batch).ToArray();
            var xtT = Tensor.FromArray(xt, [batch, 1, n]);
            var kl = CategoricalDiffusion.Kl(d.LogPosterior(xtT, x0, ss, ts), d.LogPosterior(xtT, predicted, ss, ts)).ToArray<double>();
            Assert.All(kl, v => Assert.True(v >= -1e-12 && double.IsFinite(v), $"t={t}: KL {v}"));
            var self = CategoricalDiffusion.Kl(d.LogPosterior(xtT, x0, ss, ts), d.LogPosterior(xtT, x0, ss, ts)).ToArray<double>();
            Assert.All(self, v => Assert.True(Math.Abs(v) < 1e-12));
        }
        var prior = d.PriorKl(Tensor.FromArray(Enumerable.Range(0, n).Select(j => j == 1 ? 1.0 : 0.0).ToArray(), [1, 1, n])).Item();
        Assert.InRange(prior, -1e-12, 1e-3);
    }

    [Fact]
    public void Saturated_predictions_stay_finite_in_float32()
    {
        const int k = 4;
        foreach (var kind in new[] { DiffusionKind.Multinomial, DiffusionKind.Absorbing })
        {
            var d = Make(kind, k, CategoricalSchedule.Default(kind, 1000));
            int n = d.States(k);
            var x0 = Tensor.FromArray(new float[] { 1, 0, 0, 0, 0 }.Take(n).ToArray(), [1, 1, n]);
            var zeroPrediction = d.ProbabilitiesToStates(Tensor.FromArray(new float[] { 0, 1, 0, 0 }, [1, 1, k]));
            foreach (int t in new[] { 1, 2, 500, 1000 })
            {
                var xt = kind == DiffusionKind.Absorbing ? OneHot(k, n).To(DType.F32) : x0;
                var kl = CategoricalDiffusion.Kl(d.LogPosterior(xt, x0, [t - 1], [t]), d.LogPosterior(xt, zeroPrediction, [t - 1], [t])).Item();
                Assert.True(double.IsFinite(kl) && kl >= -1e-5, $"{kind} t={t}: {kl}");
            }
        }
    }

    internal static CategoricalDiffusion Make(DiffusionKind kind, int classes, CategoricalSchedule schedule) =>
        new(kind, new DatumLayout(classes, [new CategoricalSlice(0, classes)]), schedule);

    private static Tensor OneHot(int c, int n) => Tensor.FromArray(Enumerable.Range(0, n).Select(j => j == c ? 1.0 : 0.0).ToArray(), [1, 1, n]);

    private static double[] Exp(Tensor logProbs) => logProbs.Exp().ToArray<double>();

    private static double[,] StepMatrix(DiffusionKind kind, int k, double alpha)
    {
        int n = kind == DiffusionKind.Absorbing ? k + 1 : k;
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                m[i, j] = kind == DiffusionKind.Absorbing
                    ? (i == j ? alpha : 0) + (j == k ? 1 - alpha : 0)
                    : (i == j ? alpha : 0) + (1 - alpha) / k;
        return m;
    }

    private static double[,] Identity(int n)
    {
        var m = new double[n, n];
        for (int i = 0; i < n; i++) m[i, i] = 1;
        return m;
    }

    private static double[,] MatMul(double[,] a, double[,] b)
    {
        int n = a.GetLength(0);
        var c = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int r = 0; r < n; r++) c[i, j] += a[i, r] * b[r, j];
        return c;
    }
}
