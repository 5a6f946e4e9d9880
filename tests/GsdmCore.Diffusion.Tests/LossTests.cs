using GsdmCore.Diffusion;

namespace GsdmCore.Diffusion.Tests;

public class LossTests
{
    private static Tensor Data(int batch, int dim, ulong seed) => Tensor.Randn([batch, dim], new Generator(seed));

    [Fact]
    public void Oracle_has_zero_loss_for_both_parameterisations()
    {
        var x0 = Data(8, 5, 1);
        foreach (var prediction in new[] { Prediction.X0, Prediction.Eps })
        {
            var diffusion = new GaussianDiffusion(GaussianSchedule.Create(), prediction);
            var loss = diffusion.Loss(new OracleDenoiser(diffusion, x0), x0, new Generator(2)).Item();
            Assert.InRange(loss, 0, prediction == Prediction.X0 ? 0 : 1e-4);
        }
    }

    [Fact]
    public void Loss_is_the_squared_error_summed_over_dimensions_and_averaged_over_the_batch()
    {
        var diffusion = GaussianDiffusion.Default();
        var x0 = Data(6, 4, 3);
        var noise = Data(6, 4, 4);
        int[] t = [0, 10, 500, 999, 3, 7];
        // Zero prediction: the error is x0 itself; sum over D, mean over the batch.
        double expected = x0.Square().Sum(1).Mean().Item();
        Assert.Equal(expected, diffusion.Loss(new ZeroDenoiser(), x0, t, noise).Item(), 1e-5);

        var eps = new GaussianDiffusion(GaussianSchedule.Create(), Prediction.Eps);
        Assert.Equal(noise.Square().Sum(1).Mean().Item(), eps.Loss(new ZeroDenoiser(), x0, t, noise).Item(), 1e-5);
    }

    [Fact]
    public void Observed_entries_are_clamped_in_the_input_and_have_zero_error()
    {
        var diffusion = GaussianDiffusion.Default();
        var x0 = Data(4, 3, 5);
        var noise = Data(4, 3, 6);
        var mask = Tensor.FromArray(new float[] { 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1 }, [4, 3]);
        Tensor? seen = null;
        var denoiser = new FuncDenoiser((xt, _) => { seen = xt; return xt.ZerosLike(); });
        var perItem = diffusion.LossPerItem(denoiser, x0, [1, 2, 3, 4], noise, mask).ToArray<double>();

        var xtExpected = diffusion.QSample(x0, [1, 2, 3, 4], noise).ToArray<float>();
        var x = x0.ToArray<float>();
        var m = mask.ToArray<float>();
        var input = seen!.ToArray<float>();
        for (int i = 0; i < 12; i++) Assert.Equal(m[i] == 1 ? x[i] : xtExpected[i], input[i]);
        for (int b = 0; b < 4; b++)
        {
            double e = 0;
            for (int d = 0; d < 3; d++) if (m[b * 3 + d] == 0) e += x[b * 3 + d] * x[b * 3 + d];
            Assert.Equal(e, perItem[b], 1e-5);
        }
        Assert.Equal(0, perItem[3]);
    }

    [Fact]
    public void Elbo_weighting_scales_each_item_by_T_times_its_weight()
    {
        var diffusion = GaussianDiffusion.Default();
        var x0 = Data(3, 2, 7);
        var noise = Data(3, 2, 8);
        int[] t = [0, 400, 999];
        var plain = diffusion.LossPerItem(new ZeroDenoiser(), x0, t, noise).ToArray<double>();
        var weighted = diffusion.LossPerItem(new ZeroDenoiser(), x0, t, noise, weighting: LossWeighting.Elbo).ToArray<double>();
        var w = diffusion.Schedule.ElboLossWeights(Prediction.X0);
        for (int i = 0; i < 3; i++) Assert.Equal(plain[i] * w[t[i]] * 1000, weighted[i], Math.Abs(weighted[i]) * 1e-5);
    }

    [Fact]
    public void Same_seed_gives_the_same_loss_and_mask_sampler_is_used()
    {
        var diffusion = GaussianDiffusion.Default();
        var x0 = Data(8, 4, 9);
        var sampler = ObservationMaskSamplers.FromFunction((x, g) => Tensor.Rand(x.Shape, g).Lt(0.5));
        double a = diffusion.Loss(new ZeroDenoiser(), x0, new Generator(10), sampler).Item();
        double b = diffusion.Loss(new ZeroDenoiser(), x0, new Generator(10), sampler).Item();
        double c = diffusion.Loss(new ZeroDenoiser(), x0, new Generator(11), sampler).Item();
        double full = diffusion.Loss(new ZeroDenoiser(), x0, new Generator(10)).Item();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.True(a < full, "observed entries carry no error");
        double allObserved = diffusion.Loss(new ZeroDenoiser(), x0, new Generator(10), ObservationMaskSamplers.Fixed([1, 1, 1, 1])).Item();
        Assert.Equal(0, allObserved);
    }

    // A tiny linear denoiser in F64: out = xt W^T + t v + b. The loss's gradient with respect to W, v, b
    // (through the clamping, the overwrite at observed entries and the weighting) matches finite differences.
    [Theory]
    [InlineData(Prediction.X0, LossWeighting.Uniform)]
    [InlineData(Prediction.Eps, LossWeighting.Elbo)]
    public void Loss_gradient_matches_finite_differences(Prediction prediction, LossWeighting weighting)
    {
        var diffusion = new GaussianDiffusion(GaussianSchedule.Create(timesteps: 50, betaEnd: 0.05), prediction);
        var g = new Generator(12);
        var x0 = Tensor.Randn([4, 3], g, DType.F64);
        var noise = Tensor.Randn([4, 3], g, DType.F64);
        var mask = Tensor.FromArray(new double[] { 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0 }, [4, 3]);
        int[] t = [3, 46, 20, 29];
        var result = GradCheck.Run(p =>
        {
            var denoiser = new FuncDenoiser((xt, ts) => xt.Matmul(p[0].MT) + ts.Unsqueeze(1) * p[1] / 50 + p[2]);
            return diffusion.LossPerItem(denoiser, x0, t, noise, mask, weighting);
        }, [Tensor.Randn([3, 3], g, DType.F64), Tensor.Randn([3], g, DType.F64), Tensor.Randn([3], g, DType.F64)]);
        Assert.True(result.Passed, result.ToString());
    }
}
