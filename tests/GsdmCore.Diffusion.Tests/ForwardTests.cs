using GsdmCore.Diffusion;

namespace GsdmCore.Diffusion.Tests;

public class ForwardTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(250)]
    [InlineData(999)]
    public void Q_sample_has_mean_sqrt_abar_x0_and_variance_one_minus_abar(int t)
    {
        var diffusion = GaussianDiffusion.Default();
        const int n = 20000;
        var x0 = Tensor.FromArray(new[] { 1.5f, -0.5f, 0f }, [1, 3]).Expand(n, 3).Contiguous();
        var xt = diffusion.QSample(x0, t, Tensor.Randn([n, 3], new Generator(11)));
        double abar = diffusion.Schedule.AlphaBars[t];
        var mean = xt.Mean(0).ToArray<double>();
        var variance = xt.Var(0).ToArray<double>();
        double[] x = [1.5, -0.5, 0];
        for (int d = 0; d < 3; d++)
        {
            double sd = Math.Sqrt(1 - abar);
            Assert.InRange(mean[d], Math.Sqrt(abar) * x[d] - 5 * sd / Math.Sqrt(n), Math.Sqrt(abar) * x[d] + 5 * sd / Math.Sqrt(n));
            // Var of a sample variance of n normals: 2 sigma^4 / (n - 1).
            Assert.InRange(variance[d], (1 - abar) * (1 - 5 * Math.Sqrt(2.0 / n)), (1 - abar) * (1 + 5 * Math.Sqrt(2.0 / n)));
        }
    }

    [Fact]
    public void Q_sample_uses_each_items_own_timestep()
    {
        var diffusion = GaussianDiffusion.Default();
        var x0 = Tensor.FromArray(new[] { 1f, 2f }, [2, 1]);
        var noise = Tensor.FromArray(new[] { 0.5f, -1f }, [2, 1]);
        var xt = diffusion.QSample(x0, [3, 800], noise).ToArray<double>();
        var a = diffusion.Schedule.AlphaBars;
        Assert.Equal(Math.Sqrt(a[3]) * 1 + Math.Sqrt(1 - a[3]) * 0.5, xt[0], 1e-6);
        Assert.Equal(Math.Sqrt(a[800]) * 2 - Math.Sqrt(1 - a[800]), xt[1], 1e-6);
    }

    [Fact]
    public void Antithetic_timesteps_pair_t_with_T_minus_1_minus_t()
    {
        foreach (int batch in new[] { 1, 2, 7, 64 })
        {
            var t = TimestepSampling.Antithetic(batch, 1000, new Generator(3));
            Assert.Equal(batch, t.Length);
            int half = (batch + 1) / 2;
            for (int i = half; i < batch; i++) Assert.Equal(999 - t[i - half], t[i]);
            Assert.All(t, s => Assert.InRange(s, 0, 999));
        }
        Assert.Equal(TimestepSampling.Antithetic(16, 1000, new Generator(5)), TimestepSampling.Antithetic(16, 1000, new Generator(5)));
    }

    [Fact]
    public void Uniform_timesteps_cover_the_range_evenly()
    {
        var t = TimestepSampling.Uniform(40000, 10, new Generator(9));
        var counts = new int[10];
        foreach (int s in t) counts[s]++;
        Assert.All(counts, c => Assert.InRange(c, 4000 - 300, 4000 + 300));
    }
}
