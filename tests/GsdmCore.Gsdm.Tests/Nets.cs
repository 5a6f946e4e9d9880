namespace GsdmCore.Gsdm.Tests;

/// <summary>Small graphs and networks shared by the tests.</summary>
internal static class Nets
{
    /// <summary>A small network config (emb 16, 2 blocks, 2 heads, GroupNorm 4 groups).</summary>
    public static GsdmDenoiserConfig Small(EmbeddingVariant variant = EmbeddingVariant.Exchangeable, DType dtype = DType.F32, ulong seed = 1,
        AttentionKind attention = AttentionKind.Sparse) =>
        new() { EmbeddingDim = 16, Blocks = 2, Heads = 2, Groups = 4, Embedding = variant, DType = dtype, Seed = seed, Attention = attention };

    /// <summary>The network's prediction without gradients.</summary>
    public static Tensor Run(GsdmDenoiser model, Tensor x, Tensor t, Tensor mask, Tensor values)
    {
        using (GradMode.Disable()) return model.Predict(x, t, mask, values);
    }

    /// <summary>Random inputs for a network on <paramref name="problem"/>: noisy x_t, timesteps, the batch's observations.</summary>
    public static (Tensor X, Tensor T, Tensor Mask, Tensor Values) Inputs(IProblem problem, int batch, ulong seed, DType dtype)
    {
        var data = problem.Sample(batch, seed);
        var g = new Generator(seed);
        var x = Tensor.Randn(data.Data.Shape, g, dtype);
        var t = Tensor.FromArray(Enumerable.Range(0, batch).Select(i => (double)(37 + 211 * i) % 1000).ToArray()).To(dtype);
        var mask = data.ObservedFeatures.To(dtype);
        return (x, t, mask, data.Data.To(dtype) * mask);
    }

    /// <summary>max |a - b|.</summary>
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        var x = a.ToArray<double>();
        var y = b.ToArray<double>();
        Assert.Equal(x.Length, y.Length);
        double m = 0;
        for (int i = 0; i < x.Length; i++) m = Math.Max(m, Math.Abs(x[i] - y[i]));
        return m;
    }
}
