using GsdmCore.Diffusion;

namespace GsdmCore.Diffusion.Tests;

public class SamplerTests
{
    private static GaussianDiffusion Small(Prediction prediction = Prediction.X0) =>
        new(GaussianSchedule.Create(timesteps: 100, betaEnd: 0.05), prediction);

    [Theory]
    [InlineData(Prediction.X0, VarianceKind.FixedLarge)]
    [InlineData(Prediction.Eps, VarianceKind.FixedSmall)]
    public void Oracle_ddpm_step_mean_is_the_posterior_mean(Prediction prediction, VarianceKind variance)
    {
        var diffusion = new GaussianDiffusion(GaussianSchedule.Create(), prediction);
        var g = new Generator(1);
        var x0 = Tensor.Randn([5, 4], g);
        var xt = diffusion.QSample(x0, 600, Tensor.Randn([5, 4], g));
        var sampler = new DdpmSampler(diffusion, variance);
        var step = sampler.Step(new OracleDenoiser(diffusion, x0), xt, 600, 599, Observation.None(5, 4), new ZeroNoise());
        var expected = diffusion.PosteriorMean(x0, xt, 600);
        TensorClose(expected, step, 2e-5);
    }

    [Fact]
    public void Ddpm_step_adds_noise_of_the_chosen_variance()
    {
        var diffusion = Small();
        const int n = 20000;
        var x0 = Tensor.Zeros([n, 1]);
        var xt = Tensor.Ones([n, 1]);
        foreach (var kind in new[] { VarianceKind.FixedLarge, VarianceKind.FixedSmall })
        {
            var next = new DdpmSampler(diffusion, kind).Step(new OracleDenoiser(diffusion, x0), xt, 50, 49, Observation.None(n, 1), new GeneratorNoise(new Generator(2)));
            double v = next.Var(0).Item();
            double expected = diffusion.Schedule.Step(50, 49).Variance(kind);
            Assert.InRange(v, expected * 0.95, expected * 1.05);
        }
    }

    // Starting from x_T ~ q(x_T | x0) and stepping with the oracle and the posterior variance reproduces the
    // forward marginals q(x_t | x0) exactly (the posteriors compose): check mean and variance halfway.
    [Fact]
    public void Oracle_fixedsmall_chain_has_the_forward_marginals()
    {
        var diffusion = Small();
        const int n = 20000;
        var x0 = Tensor.Full([n, 1], 1.5);
        var noise = new GeneratorNoise(new Generator(3));
        var sampler = new DdpmSampler(diffusion, VarianceKind.FixedSmall);
        var oracle = new OracleDenoiser(diffusion, x0);
        var x = diffusion.QSample(x0, 99, Tensor.Randn([n, 1], new Generator(4)));
        var obs = Observation.None(n, 1);
        for (int t = 99; t > 50; t--) x = sampler.Step(oracle, x, t, t - 1, obs, noise);
        double abar = diffusion.Schedule.AlphaBars[50];
        Assert.Equal(Math.Sqrt(abar) * 1.5, x.Mean().Item(), 0.02);
        Assert.InRange(x.Var(0).Item(), (1 - abar) * 0.95, (1 - abar) * 1.05);
    }

    [Theory]
    [InlineData(Prediction.X0, VarianceKind.FixedSmall)]
    [InlineData(Prediction.X0, VarianceKind.FixedLarge)]
    [InlineData(Prediction.Eps, VarianceKind.FixedSmall)]
    public void Oracle_ddpm_sampler_returns_x0_with_observed_entries_exact(Prediction prediction, VarianceKind variance)
    {
        var diffusion = Small(prediction);
        var g = new Generator(5);
        var x0 = Tensor.Randn([6, 4], g);
        var mask = Tensor.Rand([6, 4], g).Lt(0.5);
        var observation = new Observation(mask, x0);
        var sample = new DdpmSampler(diffusion, variance).Sample(new OracleDenoiser(diffusion, x0), [6, 4], new GeneratorNoise(new Generator(6)), observation);
        TensorClose(x0, sample, prediction == Prediction.X0 ? 0 : 1e-3);
        AssertObservedExact(observation, sample);
    }

    [Fact]
    public void Ddim_eta_0_is_deterministic_and_recovers_x0_with_the_oracle()
    {
        foreach (var prediction in new[] { Prediction.X0, Prediction.Eps })
        {
            var diffusion = new GaussianDiffusion(GaussianSchedule.Create(), prediction);
            var x0 = Tensor.Randn([5, 3], new Generator(7));
            var oracle = new OracleDenoiser(diffusion, x0);
            var sampler = new DdimSampler(diffusion, eta: 0);
            var seq = TimestepSequence.Uniform(1000, 20);
            var noise = new RecordingNoise(new Generator(8));
            var a = sampler.Sample(oracle, [5, 3], noise, timesteps: seq).ToArray<float>();
            var b = sampler.Sample(oracle, [5, 3], new GeneratorNoise(new Generator(8)), timesteps: seq).ToArray<float>();
            Assert.Single(noise.Draws); // only x_T: eta = 0 draws no step noise
            Assert.Equal(a, b);
            TensorClose(x0, Tensor.FromArray(a, [5, 3]), prediction == Prediction.X0 ? 0 : 1e-3);
        }
    }

    [Fact]
    public void Ddim_with_eta_and_quadratic_steps_keeps_observations_and_recovers_x0()
    {
        var diffusion = GaussianDiffusion.Default();
        var g = new Generator(9);
        var x0 = Tensor.Randn([4, 6], g);
        var observation = new Observation(Tensor.Rand([4, 6], g).Lt(0.4), x0);
        var progress = new List<int>();
        var sample = new DdimSampler(diffusion, eta: 1).Sample(new OracleDenoiser(diffusion, x0), [4, 6], new GeneratorNoise(new Generator(10)),
            observation, TimestepSequence.Quadratic(1000, 30), progress.Add);
        Assert.Equal(Enumerable.Range(0, 30), progress);
        TensorClose(x0, sample, 0);
        AssertObservedExact(observation, sample);
    }

    [Fact]
    public void Ddim_step_with_eta_1_has_the_posterior_variance()
    {
        var diffusion = Small();
        const int n = 20000;
        var x0 = Tensor.Zeros([n, 1]);
        var next = new DdimSampler(diffusion, 1).Step(new OracleDenoiser(diffusion, x0), Tensor.Ones([n, 1]), 60, 40, Observation.None(n, 1), new GeneratorNoise(new Generator(11)));
        double expected = diffusion.Schedule.Step(60, 40).PosteriorVariance;
        Assert.InRange(next.Var(0).Item(), expected * 0.95, expected * 1.05);
    }

    // A row-wise denoiser treats items independently, and the samplers take every random number from the
    // noise source: replaying the same noise with the rows permuted permutes the samples.
    [Fact]
    public void Permuted_noise_permutes_the_samples()
    {
        var diffusion = Small();
        var denoiser = new FuncDenoiser((xt, t) => (xt * 0.9).Tanh() + t.Unsqueeze(1) * 0.001);
        int[] perm = [3, 0, 4, 1, 2];
        foreach (var sampler in new Func<INoiseSource, Tensor>[]
        {
            noise => new DdpmSampler(diffusion).Sample(denoiser, [5, 2], noise),
            noise => new DdimSampler(diffusion, 0.5).Sample(denoiser, [5, 2], noise, timesteps: TimestepSequence.Uniform(100, 25)),
        })
        {
            var recording = new RecordingNoise(new Generator(12));
            var a = sampler(recording).ToArray<float>();
            var b = sampler(new PermutedNoise(recording.Draws, perm)).ToArray<float>();
            for (int i = 0; i < 5; i++)
                for (int d = 0; d < 2; d++)
                    Assert.Equal(a[perm[i] * 2 + d], b[i * 2 + d]);
        }
    }

    [Fact]
    public void Same_seed_same_samples_and_progress_counts_every_step()
    {
        var diffusion = Small();
        var denoiser = new FuncDenoiser((xt, _) => xt * 0.5);
        var steps = new List<int>();
        var a = new DdpmSampler(diffusion).Sample(denoiser, [3, 2], new GeneratorNoise(new Generator(13)), progress: steps.Add).ToArray<float>();
        var b = new DdpmSampler(diffusion).Sample(denoiser, [3, 2], new GeneratorNoise(new Generator(13))).ToArray<float>();
        Assert.Equal(a, b);
        Assert.Equal(Enumerable.Range(0, 100), steps);
    }

    // Each step runs in its own scope and the state is updated in place: the caller's scope holds the same
    // number of buffers whether the loop takes 10 or 100 steps.
    [Fact]
    public void Sampling_memory_does_not_grow_with_the_number_of_steps()
    {
        var diffusion = Small();
        var denoiser = new FuncDenoiser((xt, _) => xt * 0.5);
        int Held(int steps)
        {
            using var scope = TensorScope.Begin();
            new DdpmSampler(diffusion).Sample(denoiser, [3, 2], new GeneratorNoise(new Generator(14)), timesteps: TimestepSequence.Uniform(100, steps));
            new DdimSampler(diffusion).Sample(denoiser, [3, 2], new GeneratorNoise(new Generator(14)), timesteps: TimestepSequence.Uniform(100, steps));
            return scope.Count;
        }
        Assert.Equal(Held(10), Held(100));
    }

    [Fact]
    public void Sampling_records_no_graph_even_with_a_trainable_denoiser()
    {
        var diffusion = Small();
        var w = Tensor.Ones([1]).RequireGrad();
        var sample = new DdpmSampler(diffusion).Sample(new FuncDenoiser((xt, _) => xt * w), [2, 2], new GeneratorNoise(new Generator(15)));
        Assert.False(sample.RequiresGrad);
        Assert.True(GradMode.IsEnabled);
    }

    internal static void TensorClose(Tensor expected, Tensor actual, double tol)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= tol, $"element {i}: expected {e[i]}, got {a[i]} (tolerance {tol})");
    }

    internal static void AssertObservedExact(Observation observation, Tensor sample)
    {
        var m = observation.Mask.ToArray<float>();
        var v = observation.Values.ToArray<float>();
        var s = sample.ToArray<float>();
        Assert.Contains(1f, m);
        for (int i = 0; i < m.Length; i++) if (m[i] != 0) Assert.Equal(v[i], s[i]);
    }
}
