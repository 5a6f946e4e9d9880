using GsdmCore.Diffusion;

namespace GsdmCore.Diffusion.Tests;

public class ElboTests
{
    [Fact]
    public void Oracle_has_a_higher_elbo_than_a_zero_denoiser_and_every_kl_is_non_negative()
    {
        var diffusion = GaussianDiffusion.Default();
        var x0 = Tensor.Randn([6, 3], new Generator(1));
        var elbo = new GaussianElbo(diffusion, DatumLayout.Continuous(3));
        var oracle = elbo.Evaluate(new OracleDenoiser(diffusion, x0), x0, new Generator(2));
        var zero = elbo.Evaluate(new ZeroDenoiser(), x0, new Generator(2));

        Assert.True(oracle.Elbo > zero.Elbo, $"oracle {oracle.Elbo} vs zero {zero.Elbo}");
        Assert.Equal(999, oracle.KlByTimestep.Count);
        Assert.All(oracle.KlByTimestep.Values, kl => Assert.True(kl >= 0, $"KL {kl}"));
        Assert.All(zero.KlByTimestep.Values, kl => Assert.True(kl >= 0, $"KL {kl}"));
        Assert.True(oracle.KlPrior >= 0);
        Assert.Equal(oracle.Likelihood - oracle.KlSum - oracle.KlPrior, oracle.Elbo, 1e-9);
        Assert.Equal(oracle.Elbo, oracle.ElboPerDatum.Average(), 1e-9);
    }

    // With the oracle every term is in closed form: the decoder is log N(0; 0, beta_0) per entry, each KL is the
    // variance mismatch 0.5 log(beta/v_q) + v_q/(2 beta) - 0.5 per entry, and the prior is KL(N(sqrt(abar) x0, 1 - abar) || N(0, 1)).
    [Fact]
    public void Oracle_terms_match_their_closed_forms()
    {
        var diffusion = new GaussianDiffusion(GaussianSchedule.Create(timesteps: 200, betaEnd: 0.02), Prediction.Eps);
        var s = diffusion.Schedule;
        var x0 = Tensor.FromArray(new[] { 0.5f, -1f, 2f, 0f }, [2, 2]);
        var result = new GaussianElbo(diffusion, DatumLayout.Continuous(2)).Evaluate(new OracleDenoiser(diffusion, x0), x0, new Generator(3));

        Assert.Equal(2 * -0.5 * Math.Log(2 * Math.PI * s.Betas[0]), result.Likelihood, 1e-3);
        double klSum = 0;
        for (int t = 1; t < 200; t++)
        {
            double kl = 2 * GaussianMath.Kl(0, s.PosteriorVariance[t], 0, s.Betas[t]);
            Assert.Equal(kl, result.KlByTimestep[t], 1e-4);
            klSum += kl;
        }
        Assert.Equal(klSum, result.KlSum, 1e-3);
        double a = s.AlphaBars[^1];
        double prior = new[] { 0.5, -1, 2, 0 }.Sum(x => GaussianMath.Kl(Math.Sqrt(a) * x, 1 - a, 0, 1)) / 2;
        Assert.Equal(prior, result.KlPrior, 1e-9);
    }

    [Fact]
    public void Categorical_slices_score_the_log_probability_of_the_true_class()
    {
        var diffusion = GaussianDiffusion.Default();
        // Two continuous entries, then a 3-class one-hot slice.
        var x0 = Tensor.FromArray(new[] { 0.3f, -0.2f, 0, 1, 0, 1.1f, 0.4f, 1, 0, 0 }, [2, 5]);
        var layout = new DatumLayout(5, [new CategoricalSlice(2, 3)]);
        var elbo = new GaussianElbo(diffusion, layout);
        var oracle = elbo.Evaluate(new OracleDenoiser(diffusion, x0), x0, new Generator(4), klTimesteps: 10);
        Assert.Equal(0, oracle.DiscreteLikelihood);
        Assert.Equal(2 * -0.5 * Math.Log(2 * Math.PI * 1e-4), oracle.Likelihood, 1e-3);

        // The oracle's continuous part with uniform probabilities over the 3 classes: log(1/3) per slice.
        var probs = Tensor.FromArray(new[] { 0f, 0, 1 / 3f, 1 / 3f, 1 / 3f, 0, 0, 1 / 3f, 1 / 3f, 1 / 3f }, [2, 5]);
        var cont = Tensor.FromArray(new[] { 1f, 1, 0, 0, 0, 1, 1, 0, 0, 0 }, [2, 5]);
        var uniform = new FuncDenoiser((_, _) => x0 * cont + probs);
        var result = elbo.Evaluate(uniform, x0, new Generator(4), klTimesteps: 10);
        Assert.Equal(-Math.Log(3), result.DiscreteLikelihood, 1e-6);
        Assert.Equal(oracle.Likelihood - Math.Log(3), result.Likelihood, 1e-5);

        // A zero probability at the true class is floored as the reference clamps it.
        var zero = elbo.Evaluate(new ZeroDenoiser(), x0, new Generator(4), klTimesteps: 10);
        Assert.Equal(GaussianElbo.LogProbFloor, zero.DiscreteLikelihood);
    }

    [Fact]
    public void Observed_entries_are_left_out_of_every_term()
    {
        var diffusion = GaussianDiffusion.Default();
        var x0 = Tensor.Randn([3, 4], new Generator(5));
        var elbo = new GaussianElbo(diffusion, DatumLayout.Continuous(4));
        var all = elbo.Evaluate(new ZeroDenoiser(), x0, new Generator(6), Tensor.Ones([3, 4]), klTimesteps: 20);
        Assert.Equal(0, all.Elbo);
        Assert.Equal(0, all.KlPrior);

        // Observing an entry removes exactly its share: with the oracle, the terms are the same for every entry.
        var half = Tensor.FromArray(new float[] { 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0 }, [3, 4]);
        var oracle = new OracleDenoiser(diffusion, x0);
        var full = elbo.Evaluate(oracle, x0, new Generator(7), klTimesteps: 50);
        var partial = elbo.Evaluate(oracle, x0, new Generator(7), half, klTimesteps: 50);
        Assert.Equal(full.KlSum / 2, partial.KlSum, 1e-3);
        Assert.Equal(full.Likelihood / 2, partial.Likelihood, 1e-3);
    }

    [Fact]
    public void A_timestep_subset_estimates_the_full_sum_and_the_seed_fixes_the_result()
    {
        var diffusion = GaussianDiffusion.Default();
        var x0 = Tensor.Randn([8, 3], new Generator(8));
        var elbo = new GaussianElbo(diffusion, DatumLayout.Continuous(3));
        var oracle = new OracleDenoiser(diffusion, x0);
        var full = elbo.Evaluate(oracle, x0, new Generator(9));
        var subset = elbo.Evaluate(oracle, x0, new Generator(9), klTimesteps: 200);
        Assert.Equal(200, subset.KlByTimestep.Count);
        Assert.InRange(subset.KlSum, full.KlSum * 0.95, full.KlSum * 1.05);
        var zeroFull = elbo.Evaluate(new ZeroDenoiser(), x0, new Generator(10));
        var zeroSubset = elbo.Evaluate(new ZeroDenoiser(), x0, new Generator(10), klTimesteps: 200);
        Assert.InRange(zeroSubset.KlSum, zeroFull.KlSum * 0.9, zeroFull.KlSum * 1.1);
        Assert.Equal(full.Likelihood, subset.Likelihood, 1e-9);
        var again = elbo.Evaluate(oracle, x0, new Generator(9), klTimesteps: 200);
        Assert.Equal(subset.Elbo, again.Elbo);
    }
}
