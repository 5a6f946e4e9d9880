using GsdmCore.Diffusion;

namespace GsdmCore.Diffusion.Tests;

public class ScheduleTests
{
    private const int T = 1000;
    private const double Start = 1e-4, End = 0.005;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(499)]
    [InlineData(998)]
    [InlineData(999)]
    public void Each_schedule_matches_its_closed_form(int t)
    {
        double u = t / (T - 1.0);
        Assert.Equal(Start + u * (End - Start), BetaSchedules.Make(BetaScheduleKind.Linear)[t], 1e-15);
        double sq = Math.Sqrt(Start) + u * (Math.Sqrt(End) - Math.Sqrt(Start));
        Assert.Equal(sq * sq, BetaSchedules.Make(BetaScheduleKind.Quad)[t], 1e-15);
        Assert.Equal(End, BetaSchedules.Make(BetaScheduleKind.Const)[t]);
        Assert.Equal(1 / (1 + Math.Exp(6 - 12 * u)) * (End - Start) + Start, BetaSchedules.Make(BetaScheduleKind.Sigmoid)[t], 1e-15);
        Assert.Equal(1.0 / (T - t), BetaSchedules.Make(BetaScheduleKind.Jsd)[t], 1e-15);
        static double F(double s) => Math.Pow(Math.Cos((s + 0.008) / 1.008 * Math.PI / 2), 2);
        Assert.Equal(Math.Min(1 - F((t + 1.0) / T) / F((double)t / T), 0.999), BetaSchedules.Make(BetaScheduleKind.Cosine)[t], 1e-15);
    }

    [Fact]
    public void Default_linear_schedule_ends_at_alpha_bar_0_0777()
    {
        var s = GaussianSchedule.Create();
        Assert.Equal(1000, s.Timesteps);
        Assert.Equal(1e-4, s.Betas[0]);
        Assert.Equal(0.005, s.Betas[^1]);
        Assert.Equal(0.0777, s.AlphaBars[^1], 4);
        double logAbar = s.Betas.Sum(b => Math.Log(1 - b));
        Assert.Equal(Math.Exp(logAbar), s.AlphaBars[^1], 1e-12);
    }

    [Fact]
    public void Cosine_alpha_bar_follows_the_cosine_and_the_last_beta_is_capped()
    {
        var s = GaussianSchedule.Create(BetaScheduleKind.Cosine);
        double f0 = BetaSchedules.CosineAlphaBar(0);
        foreach (int t in new[] { 0, 100, 500, 900 })
            Assert.Equal(BetaSchedules.CosineAlphaBar((t + 1.0) / T) / f0, s.AlphaBars[t], 1e-10);
        Assert.Equal(0.999, s.Betas[^1]);
        Assert.All(s.Betas, b => Assert.InRange(b, 0, 0.999));
    }

    [Fact]
    public void Derived_quantities_match_their_definitions()
    {
        var s = GaussianSchedule.Create(BetaScheduleKind.Quad, 50, 1e-3, 0.2);
        double abar = 1;
        for (int t = 0; t < 50; t++)
        {
            double prev = abar;
            abar *= 1 - s.Betas[t];
            Assert.Equal(1 - s.Betas[t], s.Alphas[t]);
            Assert.Equal(abar, s.AlphaBars[t], 1e-15);
            Assert.Equal(prev, s.AlphaBarsPrev[t], 1e-15);
            Assert.Equal(s.Betas[t] * (1 - prev) / (1 - abar), s.PosteriorVariance[t], 1e-15);
            Assert.Equal(Math.Sqrt(prev) * s.Betas[t] / (1 - abar), s.PosteriorMeanCoefX0[t], 1e-14);
            Assert.Equal(Math.Sqrt(1 - s.Betas[t]) * (1 - prev) / (1 - abar), s.PosteriorMeanCoefXt[t], 1e-14);
        }
        Assert.Equal(0, s.PosteriorVariance[0]);
        Assert.Equal(Math.Log(1e-20), s.PosteriorLogVarianceClipped[0], 1e-9);
        Assert.Equal(1, s.PosteriorMeanCoefX0[0], 1e-12);
        Assert.Equal(0, s.PosteriorMeanCoefXt[0]);
        Assert.Equal(1, s.AlphaBarAt(-1));
    }

    // q(x_{t-1} | x_t, x0) ∝ N(x_{t-1}; sqrt(abar_{t-1}) x0, 1 - abar_{t-1}) N(x_t; sqrt(alpha_t) x_{t-1}, beta_t):
    // a product of Gaussians in x_{t-1} with precision 1/(1 - abar_{t-1}) + alpha_t / beta_t.
    [Theory]
    [InlineData(1, 0.7, -0.3)]
    [InlineData(10, -1.2, 0.4)]
    [InlineData(500, 2.0, 1.5)]
    [InlineData(999, 0.1, -2.0)]
    public void Posterior_equals_bayes_product_of_gaussians(int t, double x0, double xt)
    {
        var diffusion = GaussianDiffusion.Default();
        var s = diffusion.Schedule;
        double priorVar = 1 - s.AlphaBars[t - 1], priorMean = Math.Sqrt(s.AlphaBars[t - 1]) * x0;
        double lik = s.Betas[t], a = Math.Sqrt(1 - s.Betas[t]);
        double precision = 1 / priorVar + a * a / lik;
        double mean = (priorMean / priorVar + a * xt / lik) / precision;
        Assert.Equal(1 / precision, s.PosteriorVariance[t], 1e-12);
        Assert.Equal(1 / precision, s.Step(t, t - 1).PosteriorVariance, 1e-12);

        var m = diffusion.PosteriorMean(Tensor.FromArray(new[] { x0 }, [1, 1]), Tensor.FromArray(new[] { xt }, [1, 1]), t);
        Assert.Equal(DType.F64, m.DType);
        Assert.Equal(mean, m.Item(), 1e-12);
    }

    [Fact]
    public void Strided_step_uses_the_effective_beta()
    {
        var s = GaussianSchedule.Create();
        var c = s.Step(700, 350);
        Assert.Equal(1 - s.AlphaBars[700] / s.AlphaBars[350], c.Beta, 1e-15);
        Assert.Equal(c.Beta, c.Variance(VarianceKind.FixedLarge));
        Assert.Equal(c.Beta * (1 - s.AlphaBars[350]) / (1 - s.AlphaBars[700]), c.Variance(VarianceKind.FixedSmall), 1e-15);
        var last = s.Step(0, -1);
        Assert.Equal(s.Betas[0], last.Beta, 1e-15);
        Assert.Equal(1, last.MeanCoefX0, 1e-12);
    }

    [Fact]
    public void Elbo_weights_match_the_reference_for_eps_and_the_kl_for_x0()
    {
        var s = GaussianSchedule.Create();
        var eps = s.ElboLossWeights(Prediction.Eps);
        var x0 = s.ElboLossWeights(Prediction.X0);
        // The reference: w[0] = (1 - abar_1) / (2 abar_1 sigma_0^2), w[t] = abar_{t-1} beta_t^2 / (2 sigma_t^2 (1 - abar_t) abar_t).
        Assert.Equal((1 - s.AlphaBars[0]) / (2 * s.AlphaBars[0] * s.Betas[0]), eps[0], 1e-9);
        for (int t = 1; t < 1000; t += 111)
        {
            double b = s.Betas[t];
            Assert.Equal(s.AlphaBars[t - 1] * b * b / (2 * b * (1 - s.AlphaBars[t]) * s.AlphaBars[t]), eps[t], 1e-9);
            var c = s.Step(t, t - 1);
            Assert.Equal(c.MeanCoefX0 * c.MeanCoefX0 / (2 * b), x0[t], 1e-9);
        }
        Assert.Equal(1 / (2 * s.Betas[0]), x0[0], 1e-6); // 5000, up to the rounding of 1 - (1 - beta)
    }

    [Fact]
    public void Timestep_sequences_follow_the_reference()
    {
        Assert.Equal(Enumerable.Range(0, 1000), TimestepSequence.All(1000));
        Assert.Equal(new[] { 0, 100, 200, 300, 400, 500, 600, 700, 800, 900 }, TimestepSequence.Uniform(1000, 10));
        Assert.Equal(334, TimestepSequence.Uniform(1000, 300).Length); // skip 3 -> 0, 3, ..., 999
        var quad = TimestepSequence.Quadratic(1000, 50);
        Assert.Equal(50, quad.Length);
        Assert.Equal(new[] { 0, 0, 1, 2, 5, 8 }, quad.Take(6));
        Assert.Equal(800, quad[^1]); // sqrt(800)^2 = 800.0000000000001, truncated as the reference's int()
        Assert.Throws<ArgumentException>(() => TimestepSequence.Validate([3, 1], 10));
    }
}
