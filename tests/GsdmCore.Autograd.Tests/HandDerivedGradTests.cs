namespace GsdmCore.AutogradTests;

/// <summary>Gradients checked against formulas worked out by hand, independent of finite differences.</summary>
public class HandDerivedGradTests
{
    private static void Close(double expected, double actual, double tolerance = 1e-12) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    [Fact]
    public void Polynomial()
    {
        // f(x) = sum(3 x^2 + 5 x)  =>  df/dx_i = 6 x_i + 5.
        double[] values = [-2.0, -0.5, 0.0, 1.25, 4.0];
        var x = Tensor.FromArray(values).RequireGrad();
        (x.Square() * 3.0 + 5.0 * x).Sum().Backward();
        var grad = x.Grad!.ToArray<double>();
        for (int i = 0; i < values.Length; i++) Close(6 * values[i] + 5, grad[i]);
    }

    [Fact]
    public void Softplus_differentiates_to_sigmoid()
    {
        // f(x) = sum(log(1 + e^x))  =>  df/dx = e^x / (1 + e^x) = sigmoid(x).
        double[] values = [-3.0, -0.1, 0.7, 2.5];
        var x = Tensor.FromArray(values).RequireGrad();
        (x.Exp() + 1.0).Log().Sum().Backward();
        var grad = x.Grad!.ToArray<double>();
        for (int i = 0; i < values.Length; i++) Close(1 / (1 + Math.Exp(-values[i])), grad[i]);
    }

    [Fact]
    public void Linear_layer_with_mean_squared_error()
    {
        // L = mean((x W - t)^2) over N x M outputs, r = x W - t:
        //   dL/dW = (2 / (N M)) x^T r,   dL/dx = (2 / (N M)) r W^T.
        var rng = new Generator(12);
        var xv = Tensor.Randn([4, 3], rng, DType.F64);
        var wv = Tensor.Randn([3, 2], rng, DType.F64);
        var t = Tensor.Randn([4, 2], rng, DType.F64);
        var x = xv.Clone().RequireGrad();
        var w = wv.Clone().RequireGrad();
        (x.Matmul(w) - t).Square().Mean().Backward();

        var X = NdArray.Of(xv);
        var W = NdArray.Of(wv);
        var r = NdArray.Matmul(X, W) - NdArray.Of(t);
        double scale = 2.0 / 8;
        TensorAssert.Close(NdArray.Matmul(X.Permute(1, 0), r) * scale, w.Grad!, new Tolerance(1e-12, 1e-12), "dL/dW");
        TensorAssert.Close(NdArray.Matmul(r, W.Permute(1, 0)) * scale, x.Grad!, new Tolerance(1e-12, 1e-12), "dL/dx");
    }

    [Fact]
    public void Softmax_cross_entropy_gradient_is_probabilities_minus_one_hot()
    {
        // L = -sum_i log_softmax(z_i)[y_i]  =>  dL/dz_i = softmax(z_i) - onehot(y_i).
        var z = Tensor.Randn([3, 5], new Generator(3), DType.F64).RequireGrad();
        var labels = Tensor.FromArray([4, 0, 2]);
        var picked = z.LogSoftmax(-1).Gather(1, labels.Reshape(3, 1));
        (-picked).Sum().Backward();
        var expected = NdArray.Of(z.Detach()).Softmax(1) - NdArray.OneHot(new NdArray([3], [4, 0, 2]), 5);
        TensorAssert.Close(expected, z.Grad!, new Tolerance(1e-12, 1e-12), "dL/dz");
    }

    [Fact]
    public void Variance_gradient()
    {
        // v = sum((x - m)^2) / (n - 1)  =>  dv/dx_i = 2 (x_i - m) / (n - 1); the m terms cancel because sum(x - m) = 0.
        double[] values = [1.0, 4.0, -2.0, 0.5];
        var x = Tensor.FromArray(values).RequireGrad();
        x.Var().Backward();
        double mean = values.Average();
        var grad = x.Grad!.ToArray<double>();
        for (int i = 0; i < values.Length; i++) Close(2 * (values[i] - mean) / 3, grad[i]);
    }
}
