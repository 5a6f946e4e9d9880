using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>Inverted dropout: in training mode zeroes each element with probability P and scales the rest by 1/(1-P); the identity in eval mode or when P = 0.</summary>
public sealed class Dropout : Module
{
    private readonly Generator? _generator;

    /// <summary>Probability of zeroing an element.</summary>
    public double P { get; }

    /// <summary>Creates the layer; <paramref name="generator"/> draws the masks (required when P &gt; 0).</summary>
    public Dropout(double p, Generator? generator = null)
    {
        if (p < 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability must be in [0, 1), got {p}.");
        if (p > 0 && generator == null) throw new ArgumentNullException(nameof(generator), "dropout with P > 0 needs a generator for its masks.");
        P = p;
        _generator = generator;
    }

    /// <summary>Applies dropout to x.</summary>
    public Tensor Forward(Tensor x)
    {
        if (!Training || P == 0) return x;
        Tensor keep;
        using (GradMode.Disable())
            keep = Tensor.Rand(x.Shape, _generator!, x.DType).Ge(Tensor.Scalar(P, x.DType)) * (1.0 / (1 - P));
        return x * keep;
    }
}
