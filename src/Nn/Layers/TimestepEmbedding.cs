using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>The sinusoidal embedding of diffusion timesteps used by the reference (DDPM style).</summary>
public static class TimestepEmbedding
{
    /// <summary>
    /// Embeds timesteps t [B] as [B, dim]: half = dim / 2, freq_k = exp(-ln(10000) k / (half - 1)) for
    /// k = 0..half-1, emb = [sin(t freq), cos(t freq)], and a zero column appended when dim is odd.
    /// (With half = 1 the denominator is taken as 1, where the reference would divide by zero.)
    /// </summary>
    public static Tensor Sinusoidal(Tensor timesteps, int dim)
    {
        if (timesteps.Rank != 1)
            throw new TensorShapeException("timestep_embedding", $"timesteps must be 1-D [batch], got {Layout.Format(timesteps.Shape)}.");
        if (dim < 2) throw new ArgumentOutOfRangeException(nameof(dim), $"the embedding needs at least 2 dimensions, got {dim}.");
        var dtype = timesteps.DType.IsFloat() ? timesteps.DType : DType.F32;
        var t = timesteps.To(dtype);
        int half = dim / 2;
        var args = t.Unsqueeze(1) * Frequencies(half, dtype, t.Device).Unsqueeze(0);
        var parts = new List<Tensor> { args.Sin(), args.Cos() };
        if (dim % 2 == 1) parts.Add(Tensor.Zeros([t.Dim(0), 1], dtype));
        return Tensor.Concat(parts, 1);
    }

    // The frequency tables, made once per size, dtype and device (outside every scope, like other constants): a step
    // uploads nothing, so it can be captured.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int Half, DType DType, Device Device), Tensor> Tables = new();

    /// <summary>freq_k = exp(-ln(10000) k / (half - 1)) for k &lt; half, rounded to <paramref name="dtype"/>.</summary>
    private static Tensor Frequencies(int half, DType dtype, Device device) => Tables.GetOrAdd((half, dtype, device), key =>
    {
        double step = -Math.Log(10000.0) / Math.Max(key.Half - 1, 1);
        var freqs = new double[key.Half];
        for (int k = 0; k < key.Half; k++) freqs[k] = Math.Exp(step * k);
        using (TensorScope.Suspend())
        using (GradMode.Disable())
            return TensorScope.Persist(Tensor.FromArray(freqs, device: key.Device).To(key.DType));
    });
}
