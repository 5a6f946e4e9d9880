namespace GsdmCore.Nn;

/// <summary>The SiLU (swish) activation x * sigmoid(x) as a module.</summary>
public sealed class SiLU : Module
{
    /// <summary>Applies the activation.</summary>
    public Tensor Forward(Tensor x) => x.Silu();
}
