namespace GsdmCore.Categorical.Tests;

/// <summary>
/// A one-layer test network for data of n categorical nodes with K classes each (D = n K): logits = x W + b + (t / T) c,
/// softmax per node. Its weights are plain tensors, so a test can differentiate through them.
/// </summary>
internal sealed class TinyDenoiser(Tensor weight, Tensor bias, Tensor time, int classes, int timesteps) : IDenoiser
{
    public Tensor Weight { get; } = weight;

    public static TinyDenoiser Random(int nodes, int classes, int timesteps, ulong seed, DType dtype)
    {
        var g = new Generator(seed);
        int d = nodes * classes;
        return new TinyDenoiser(Tensor.Randn([d, d], g, dtype) * 0.5, Tensor.Randn([d], g, dtype) * 0.5, Tensor.Randn([d], g, dtype), classes, timesteps);
    }

    public Tensor Predict(Tensor xt, Tensor t, Tensor observedMask, Tensor observedValues)
    {
        var x = Tensor.Where(observedMask, observedValues, xt);
        var logits = x.Matmul(Weight) + bias + t.Unsqueeze(1) * (1.0 / timesteps) * time;
        int b = xt.Dim(0), d = xt.Dim(1);
        return logits.Reshape(b, d / classes, classes).Softmax(-1).Reshape(b, d);
    }
}
