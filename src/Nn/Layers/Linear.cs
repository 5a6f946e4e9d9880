using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// y = x W^T + b over the last (channel) axis: x [..., in] -> y [..., out]. A 1x1 convolution in the
/// channels-last layout. Weight [out, in] and bias [out] ~ U(-1/sqrt(in), 1/sqrt(in)) as in PyTorch.
/// </summary>
public sealed class Linear : Module
{
    /// <summary>Input features.</summary>
    public int InFeatures { get; }
    /// <summary>Output features.</summary>
    public int OutFeatures { get; }
    /// <summary>Weight [out, in].</summary>
    public Tensor Weight { get; }
    /// <summary>Bias [out], or null when built without one.</summary>
    public Tensor? Bias { get; }

    /// <summary>Creates the layer and draws its initial weights from <paramref name="generator"/>.</summary>
    public Linear(int inFeatures, int outFeatures, Generator generator, bool bias = true, DType dtype = DType.F32)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear needs positive sizes, got {inFeatures} -> {outFeatures}.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Init.KaimingUniformA5([outFeatures, inFeatures], inFeatures, generator, dtype));
        if (bias) Bias = RegisterParameter("bias", Init.Uniform([outFeatures], 1.0 / Math.Sqrt(inFeatures), generator, dtype));
    }

    /// <summary>Applies the layer to x [..., in].</summary>
    public Tensor Forward(Tensor x) => Apply(x, null);

    /// <summary>
    /// <c>residual + Forward(x)</c> with the residual added in the same pass as the bias (no separate add);
    /// <paramref name="residual"/> has the output's shape [..., out] or broadcasts to it (then it is expanded first).
    /// </summary>
    public Tensor Forward(Tensor x, Tensor residual)
    {
        ArgumentNullException.ThrowIfNull(residual);
        return Apply(x, residual);
    }

    private Tensor Apply(Tensor x, Tensor? residual)
    {
        if (x.Rank < 1 || x.Dim(-1) != InFeatures)
            throw new TensorShapeException("linear", $"input {Layout.Format(x.Shape)} must end with {InFeatures} features.");
        var shape = x.Shape;
        shape[^1] = OutFeatures;
        if (residual != null && !residual.Layout.Shape.AsSpan().SequenceEqual(shape))
        {
            try { residual = residual.Expand(shape); }
            catch (TensorShapeException)
            {
                throw new TensorShapeException("linear", $"the residual {Layout.Format(residual.Shape)} does not broadcast to the output's shape {Layout.Format(shape)}.");
            }
        }
        var flat = x.Rank == 2 ? x : x.Reshape(-1, InFeatures);
        var add = residual == null || residual.Rank == 2 ? residual : residual.Reshape(-1, OutFeatures);
        var y = (Bias, add) switch
        {
            (null, null) => flat.Matmul(Weight.MT),
            (null, _) => flat.MatmulAdd(Weight.MT, add),
            (_, null) => flat.MatmulAdd(Weight.MT, Bias),
            _ => flat.MatmulAdd(Weight.MT, add, Bias),
        };
        return x.Rank == 2 ? y : y.Reshape(shape);
    }
}
