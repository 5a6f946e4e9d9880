using GsdmCore.Backends;
using GsdmCore.Nn;
using Xunit;

namespace GsdmCore.Nn.Tests;

public class OptimTests
{
    private static Tensor Param(double value) => Tensor.FromArray(new[] { value }).RequireGrad();

    private static double TwoSteps(Optimizer opt, Tensor p, double g1, double g2)
    {
        p.Grad = Tensor.FromArray(new[] { g1 });
        opt.Step();
        p.Grad = Tensor.FromArray(new[] { g2 });
        opt.Step();
        return p.Item();
    }

    // lr 0.1, betas (0.9, 0.999), eps 1e-8, p0 = 1, gradients 0.5 then -0.2.
    // Step 1: m = 0.1 * 0.5 = 0.05; v = 0.001 * 0.25 = 0.00025; bc1 = 0.1, bc2 = 0.001;
    //         denom = sqrt(0.00025) / sqrt(0.001) + 1e-8 = 0.5 + 1e-8; p = 1 - (0.1 / 0.1) * 0.05 / (0.5 + 1e-8) = 0.900000002.
    // Step 2: m = 0.9 * 0.05 + 0.1 * -0.2 = 0.025; v = 0.999 * 0.00025 + 0.001 * 0.04 = 0.00028975;
    //         bc1 = 1 - 0.81 = 0.19, bc2 = 1 - 0.998001 = 0.001999; denom = sqrt(0.00028975 / 0.001999) + 1e-8 = 0.380719...;
    //         p = 0.900000002 - (0.1 / 0.19) * 0.025 / 0.380719... = 0.8654394181165108.
    [Fact]
    public void Adam_matches_hand_computed_two_steps()
    {
        var p = Param(1);
        Assert.Equal(0.8654394181165108, TwoSteps(new Adam([p], learningRate: 0.1), p, 0.5, -0.2), 1e-14);
    }

    // Adam's weight decay 0.1 adds 0.1 * p to the gradient: step 1 g = 0.5 + 0.1 = 0.6, m = 0.06, v = 0.00036,
    // denom = 0.6 + 1e-8, p = 1 - 0.06 / 0.60000001 = 0.9000000016666666; step 2 g = -0.2 + 0.09000000016666666
    // = -0.10999999983333335, m = 0.054 - 0.010999999983 = 0.043000000016666, v = 0.00035964 + 0.0000121 = 0.00037174,
    // p = 0.9000000016666666 - (0.1 / 0.19) * 0.043000000016666 / (sqrt(0.00037174 / 0.001999) + 1e-8) = 0.8475190629593703.
    [Fact]
    public void Adam_weight_decay_adds_to_the_gradient()
    {
        var p = Param(1);
        Assert.Equal(0.8475190629593703, TwoSteps(new Adam([p], learningRate: 0.1, weightDecay: 0.1), p, 0.5, -0.2), 1e-14);
    }

    // AdamW with weight decay 0.1 first shrinks p by (1 - lr * wd) = 0.99, then takes the plain Adam step:
    // step 1 p = 0.99 - 0.05 / 0.50000001 = 0.890000002; step 2 p = 0.890000002 * 0.99 - 0.0345607... = 0.8465394180965108.
    [Fact]
    public void AdamW_decays_before_the_step()
    {
        var p = Param(1);
        Assert.Equal(0.8465394180965108, TwoSteps(new AdamW([p], learningRate: 0.1, weightDecay: 0.1), p, 0.5, -0.2), 1e-14);
    }

    [Fact]
    public void A_step_that_fails_on_one_gradient_updates_nothing_and_the_next_step_is_whole()
    {
        // All parameters are updated in one backend call: a gradient of the wrong shape fails the step before it,
        // and nothing of the failed step may be left for the next one (p would then be updated twice, q once).
        var p = Param(1);
        var q = Param(1);
        var adam = new Adam([p, q], learningRate: 0.1);
        p.Grad = Tensor.FromArray(new[] { 0.5 });
        q.Grad = Tensor.FromArray(new[] { 0.5, 0.5 });
        var e = Assert.Throws<TensorShapeException>(() => adam.Step());
        Assert.Contains("adam", e.Message);
        Assert.Equal(1.0, p.Item());
        Assert.Equal(1.0, q.Item());
        q.Grad = Tensor.FromArray(new[] { 0.5 });
        adam.Step();
        Assert.NotEqual(1.0, p.Item());
        Assert.Equal(p.Item(), q.Item());
    }

    [Fact]
    public void Adam_in_float32_matches_float64_and_skips_parameters_without_gradients()
    {
        var p32 = Tensor.FromArray(Enumerable.Range(0, 37).Select(i => (float)Math.Sin(i)).ToArray()).RequireGrad();
        var p64 = p32.To(DType.F64).Detach().Clone().RequireGrad();
        var idle = Tensor.Ones([3]).RequireGrad();
        var a = new Adam([p32, idle], 0.01);
        var b = new Adam([p64], 0.01);
        for (int s = 0; s < 3; s++)
        {
            var g = Tensor.FromArray(Enumerable.Range(0, 37).Select(i => Math.Cos(i * (s + 1))).ToArray());
            p32.Grad = g.To(DType.F32);
            p64.Grad = g;
            a.Step();
            b.Step();
        }
        SparseAttentionTests.AssertClose(p64.ToArray<double>(), p32.ToArray<double>(), "f32 vs f64", 1e-5);
        Assert.Equal(new float[] { 1, 1, 1 }, idle.ToArray());
        a.ZeroGrad();
        Assert.Null(p32.Grad);
    }

    [Fact]
    public void Adam_trains_a_linear_layer_down()
    {
        var lin = new Linear(3, 1, new Generator(1));
        var x = Tensor.Randn([16, 3], new Generator(2));
        var y = x.Matmul(Tensor.FromArray(new float[] { 1, -2, 0.5f }, [3, 1]));
        var opt = new AdamW(lin.Parameters(), 0.05, weightDecay: 0);
        double first = 0, last = 0;
        for (int i = 0; i < 100; i++)
        {
            opt.ZeroGrad();
            var loss = (lin.Forward(x) - y).Square().Mean();
            loss.Backward();
            opt.Step();
            if (i == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < first * 0.01, $"loss {first} -> {last}");
    }

    [Fact]
    public void Clip_scales_by_max_norm_over_norm_plus_eps_and_returns_the_norm()
    {
        var a = Tensor.Zeros([2], DType.F64).RequireGrad();
        var b = Tensor.Zeros([1], DType.F64).RequireGrad();
        var none = Tensor.Zeros([1], DType.F64).RequireGrad();
        a.Grad = Tensor.FromArray(new double[] { 3, 0 });
        b.Grad = Tensor.FromArray(new double[] { 4 });
        double norm = GradClipping.ClipGradNorm([a, b, none], maxNorm: 1);
        Assert.Equal(5, norm, 1e-15);
        double scale = 1 / (5 + 1e-6);
        Assert.Equal(3 * scale, a.Grad!.ToArray<double>()[0], 1e-15);
        Assert.Equal(4 * scale, b.Grad!.ToArray<double>()[0], 1e-15);
        Assert.Null(none.Grad);

        // Below the threshold nothing changes.
        a.Grad = Tensor.FromArray(new double[] { 0.3, 0.4 });
        Assert.Equal(0.5, GradClipping.ClipGradNorm([a], 1), 1e-15);
        Assert.Equal(new[] { 0.3, 0.4 }, a.Grad!.ToArray<double>());

        // Float32 gradients are clipped too.
        var c = Tensor.Zeros([2]).RequireGrad();
        c.Grad = Tensor.FromArray(new float[] { 30, 40 });
        var own = c.Grad;
        Assert.Equal(50, GradClipping.ClipGradNorm([c], 5), 1e-6);
        Assert.Equal(5, Math.Sqrt(c.Grad!.ToArray<double>().Sum(x => x * x)), 1e-5);
        // A host F32 gradient with memory of its own is scaled in place, as clip_grad_norm_ does.
        Assert.Same(own, c.Grad);
    }

    [Fact]
    public void Clip_of_long_float_gradients_matches_a_double_reference_and_never_scales_a_shared_gradient_twice()
    {
        // 1003 elements: the vector loops and their scalar tails; one gradient tensor is the .Grad of two parameters
        // (as the backward of an add hands out), and one is a view with an offset.
        var values = Enumerable.Range(0, 1003).Select(i => (float)Math.Sin(i * 0.37) * 3).ToArray();
        var shared = Tensor.FromArray(values);
        var p = Tensor.Zeros([1003]).RequireGrad();
        var q = Tensor.Zeros([1003]).RequireGrad();
        var r = Tensor.Zeros([5]).RequireGrad();
        p.Grad = shared;
        q.Grad = shared;
        r.Grad = Tensor.FromArray(values).Narrow(0, 998, 5);
        double expectedNorm = Math.Sqrt(2 * values.Sum(v => (double)v * v) + values[998..].Sum(v => (double)v * v));
        Assert.Equal(expectedNorm, GradClipping.ClipGradNorm([p, q, r], maxNorm: 2), 1e-9 * expectedNorm);
        double scale = 2 / (expectedNorm + 1e-6);
        var pg = p.Grad!.ToArray<float>();
        var qg = q.Grad!.ToArray<float>();
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal((float)(values[i] * scale), pg[i]);
            Assert.Equal((float)(values[i] * scale), qg[i]);
        }
        Assert.Equal(values.Select(v => v).ToArray(), shared.ToArray<float>()); // the shared tensor itself is untouched
        Assert.Equal((float)(values[1000] * scale), r.Grad!.ToArray<float>()[2]);
    }

    [Fact]
    public void Clip_of_gradients_longer_than_a_chunk_matches_a_double_reference()
    {
        // 40000 elements at an offset: three chunks of the parallel sum, the last one partial.
        var values = Enumerable.Range(0, 40007).Select(i => (float)Math.Cos(i * 0.013) * 0.5f).ToArray();
        var p = Tensor.Zeros([40000]).RequireGrad();
        p.Grad = Tensor.FromArray(values).Narrow(0, 7, 40000);
        double expectedNorm = Math.Sqrt(values[7..].Sum(v => (double)v * v));
        Assert.Equal(expectedNorm, GradClipping.ClipGradNorm([p], maxNorm: 1), 1e-12 * expectedNorm);
        double scale = 1 / (expectedNorm + 1e-6);
        var g = p.Grad!.ToArray<float>();
        for (int i = 0; i < 40000; i++) Assert.Equal((float)(values[i + 7] * scale), g[i]);
    }

    [Fact]
    public void Ema_averages_and_swaps_in_and_out()
    {
        var lin = new Linear(2, 1, new Generator(1), dtype: DType.F64);
        var start = lin.Weight.ToArray<double>();
        var ema = new ExponentialMovingAverage(lin, decay: 0.9);
        using (GradMode.Disable()) lin.Weight.CopyFrom(Tensor.FromArray(new double[] { 1, 2 }, [1, 2]));
        ema.Update();
        var expected = start.Select((s, i) => 0.9 * s + 0.1 * (i + 1)).ToArray();
        using (GradMode.Disable()) lin.Weight.CopyFrom(Tensor.FromArray(new double[] { 3, 4 }, [1, 2]));
        ema.Update();
        expected = expected.Select((s, i) => 0.9 * s + 0.1 * (i + 3)).ToArray();

        using (ema.Apply())
        {
            Assert.True(ema.IsSwappedIn);
            SparseAttentionTests.AssertClose(expected, lin.Weight.ToArray<double>(), "ema weights", 1e-15);
            Assert.Throws<InvalidOperationException>(() => ema.Update());
        }
        Assert.Equal(new double[] { 3, 4 }, lin.Weight.ToArray<double>());
        SparseAttentionTests.AssertClose(expected, ema.ShadowState()["weight"].ToArray<double>(), "shadow", 1e-15);
        Assert.Throws<InvalidOperationException>(() => ema.SwapOut());
    }
}
