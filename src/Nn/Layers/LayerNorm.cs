using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>Layer normalisation over the last axis (population variance), with a per-feature affine map (weight 1, bias 0 at start).</summary>
public sealed class LayerNorm : Module
{
    /// <summary>Size of the normalised (last) axis.</summary>
    public int Features { get; }
    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }
    /// <summary>Scale [features], null when not affine.</summary>
    public Tensor? Weight { get; }
    /// <summary>Shift [features], null when not affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>Creates the layer.</summary>
    public LayerNorm(int features, double eps = 1e-5, bool affine = true, DType dtype = DType.F32)
    {
        if (features <= 0) throw new ArgumentOutOfRangeException(nameof(features), "LayerNorm needs at least one feature.");
        Features = features;
        Eps = eps;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([features], dtype));
            Bias = RegisterParameter("bias", Tensor.Zeros([features], dtype));
        }
    }

    /// <summary>Normalises x [..., features].</summary>
    public Tensor Forward(Tensor x)
    {
        if (x.Rank < 1 || x.Dim(-1) != Features)
            throw new TensorShapeException("layer_norm", $"input {Layout.Format(x.Shape)} must end with {Features} features.");
        var centred = x - x.Mean(-1, keepDim: true);
        var variance = centred.Square().Mean(-1, keepDim: true);
        var y = centred * (variance + Eps).Rsqrt();
        if (Weight != null) y = y * Weight + Bias!;
        return y;
    }
}
