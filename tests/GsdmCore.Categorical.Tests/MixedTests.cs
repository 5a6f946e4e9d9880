namespace GsdmCore.Categorical.Tests;

/// <summary>A model mixing continuous nodes (Gaussian) and categorical nodes (categorical process) in one network.</summary>
public class MixedTests
{
    [Theory]
    [InlineData(DiffusionKind.Multinomial)]
    [InlineData(DiffusionKind.Absorbing)]
    public void Mixed_model_trains_and_samples_with_one_timestep_and_one_loss(DiffusionKind kind)
    {
        var problem = new BcmfProblem(2, 3, 3);            // continuous A, E, K and categorical R
        var g = problem.Graph;
        var d = CategoricalDiffusion.For(g, kind, 50);
        Assert.True(d.HasContinuous);
        Assert.True(d.CategoricalNodes > 0);
        var model = new GsdmDenoiser(g, new GsdmDenoiserConfig { EmbeddingDim = 16, Blocks = 1, Heads = 2, Groups = 4, Seed = 1 });
        var adam = new GsdmCore.Nn.Adam(model.Parameters(), 1e-3);
        var losses = new List<double>();
        for (int step = 0; step < 30; step++)
        {
            using var scope = TensorScope.Begin();
            var batch = problem.Sample(16, (ulong)step);
            adam.ZeroGrad();
            var loss = d.Loss(model, batch.Data, new Generator((ulong)step), batch.ObservedFeatures);
            Assert.True(double.IsFinite(loss.Item()));
            loss.Backward();
            Assert.Contains(model.Parameters(), p => p.Grad is not null);
            adam.Step();
            losses.Add(loss.Item());
        }
        Assert.True(losses.Skip(20).Average() < losses.Take(10).Average(), $"loss did not fall: {losses.Take(10).Average()} -> {losses.Skip(20).Average()}");
        var cond = problem.Sample(4, 99);
        var obs = new Observation(cond.ObservedFeatures, cond.Data);
        var x = new CategoricalSampler(d).Sample(model, 4, new Generator(1), obs, TimestepSequence.Uniform(50, 10)).ToArray<double>();
        Assert.All(x, v => Assert.True(double.IsFinite(v)));
        var m = obs.Mask.ToArray<double>();
        var values = cond.Data.ToArray<double>();
        for (int i = 0; i < x.Length; i++) if (m[i] > 0) Assert.Equal(values[i], x[i], 6);
        foreach (var slice in d.Layout.Categorical)
            for (int b = 0; b < 4; b++)
                Assert.Equal(1.0, Enumerable.Range(slice.Offset, slice.Classes).Sum(c => x[b * d.Layout.Dim + c]), 6);
    }

    [Fact]
    public void Categorical_weight_scales_the_categorical_terms_and_leaves_the_continuous_error_alone()
    {
        var problem = new BcmfProblem(2, 3, 3);
        var g = problem.Graph;
        var model = new GsdmDenoiser(g, new GsdmDenoiserConfig { EmbeddingDim = 16, Blocks = 1, Heads = 2, Groups = 4, Seed = 3 });
        var batch = problem.Sample(6, 5);
        var x0 = batch.Data;
        int[] t = [1, 7, 20, 33, 41, 50];
        var uniforms = Tensor.Rand(x0.Shape, new Generator(11), x0.DType);
        var noise = Tensor.Randn(x0.Shape, new Generator(12), x0.DType);
        CategoricalDiffusion Weighted(double w) => new(DiffusionKind.Multinomial, CategoricalDiffusion.LayoutOf(g),
            CategoricalSchedule.Default(DiffusionKind.Multinomial, 50), null, hybridWeight: 0.5, categoricalWeight: w);
        double[] Loss(double w) => Weighted(w).LossPerItem(model, x0, t, uniforms, noise, batch.ObservedFeatures).ToArray<double>();

        // The continuous squared error, computed here from the same x_t and x0 prediction.
        var d = Weighted(1);
        var xt = d.QSample(x0, t, uniforms, noise);
        var prediction = d.PredictX0(model, xt, t, new Observation(batch.ObservedFeatures, x0)).ToArray<double>();
        var truth = x0.ToArray<double>();
        var observed = batch.ObservedFeatures.ToArray<double>();
        int dim = d.Layout.Dim;
        var continuousError = new double[t.Length];
        for (int b = 0; b < t.Length; b++)
            for (int j = 0; j < dim; j++)
                if (d.Layout.IsContinuous(j) && observed[b * dim + j] == 0)
                    continuousError[b] += Math.Pow(truth[b * dim + j] - prediction[b * dim + j], 2);

        var full = Loss(1);
        var quarter = Loss(0.25);
        for (int b = 0; b < t.Length; b++)
        {
            double categorical = full[b] - continuousError[b];
            Assert.True(categorical > 0, $"item {b}: the categorical terms are {categorical}");
            Assert.Equal(continuousError[b] + 0.25 * categorical, quarter[b], 1e-4 * Math.Max(1, full[b]));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Weighted(0));
    }
}
