namespace GsdmCore.Diffusion;

/// <summary>Ready-made <see cref="IObservationMaskSampler"/>s.</summary>
public static class ObservationMaskSamplers
{
    /// <summary>Nothing observed (unconditional training).</summary>
    public static IObservationMaskSampler None { get; } = new FromFunc((x0, _) => x0.ZerosLike());

    /// <summary>The same entries observed in every item: <paramref name="mask"/> [D] of 0/1 (e.g. sorting's input list).</summary>
    public static IObservationMaskSampler Fixed(float[] mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var row = Tensor.FromArray((float[])mask.Clone(), [1, mask.Length]);
        return new FromFunc((x0, _) =>
        {
            if (x0.Dim(1) != mask.Length)
                throw new ArgumentException($"the fixed mask has {mask.Length} entries but the data has {x0.Dim(1)}.", nameof(x0));
            return row.To(x0.DType).Expand(x0.Shape).Contiguous();
        });
    }

    /// <summary>Wraps a function (x0, generator) -> mask [batch, D].</summary>
    public static IObservationMaskSampler FromFunction(Func<Tensor, Generator, Tensor> sample) => new FromFunc(sample);

    private sealed class FromFunc(Func<Tensor, Generator, Tensor> sample) : IObservationMaskSampler
    {
        public Tensor Sample(Tensor x0, Generator generator) => sample(x0, generator);
    }
}
