namespace GsdmCore.Categorical.Tests;

/// <summary>The loss's gradient against central finite differences (F64), for both processes and with the hybrid term.</summary>
public class LossGradientTests
{
    [Theory]
    [InlineData(DiffusionKind.Multinomial, 0.0)]
    [InlineData(DiffusionKind.Multinomial, 0.01)]
    [InlineData(DiffusionKind.Absorbing, 0.0)]
    [InlineData(DiffusionKind.Absorbing, 0.5)]
    public void Loss_gradient_matches_finite_differences(DiffusionKind kind, double hybrid)
    {
        const int nodes = 3, k = 3, T = 10, batch = 6;
        int dim = nodes * k;
        var layout = new DatumLayout(dim, Enumerable.Range(0, nodes).Select(i => new CategoricalSlice(i * k, k)));
        var d = new CategoricalDiffusion(kind, layout, CategoricalSchedule.Default(kind, T), hybridWeight: hybrid);
        var g = new Generator(5);
        var classes = Tensor.Rand([batch, nodes], g, DType.F64).ToArray<double>().Select(u => (int)(u * k)).ToArray();
        var x0 = new double[batch * dim];
        for (int i = 0; i < classes.Length; i++) x0[i * k + classes[i]] = 1;
        var data = Tensor.FromArray(x0, [batch, dim]);
        var uniforms = Tensor.Rand([batch, dim], g, DType.F64);
        var mask = new double[batch * dim];
        for (int c = 0; c < k; c++) mask[c] = 1;                 // item 0 observes node 0
        var observed = Tensor.FromArray(mask, [batch, dim]);
        int[] t = [1, 2, 5, 7, 9, 10];
        var net = TinyDenoiser.Random(nodes, k, T, 2, DType.F64);
        var inputs = new[] { net.Weight, Tensor.Randn([dim], g, DType.F64) * 0.5, Tensor.Randn([dim], g, DType.F64) };
        var result = GradCheck.Run(w =>
        {
            var model = new TinyDenoiser(w[0], w[1], w[2], k, T);
            return d.LossPerItem(model, data, t, uniforms, observedMask: observed);
        }, inputs, eps: 1e-6, atol: 1e-6, rtol: 1e-5);
        Assert.True(result.Passed, result.ToString());
    }
}
