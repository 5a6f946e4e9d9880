using GsdmCore.Backends;
using GsdmCore.Nn;

namespace GsdmCore.Diffusion;

/// <summary>The reference's timestep embedding: sinusoidal(t, d) (max period 10000) -> Linear(d, d) -> SiLU -> Linear(d, d).</summary>
public sealed class TimestepEmbedder : Module
{
    /// <summary>The embedding width d.</summary>
    public int Dim { get; }
    /// <summary>First dense layer.</summary>
    public Linear Dense0 { get; }
    /// <summary>Second dense layer.</summary>
    public Linear Dense1 { get; }

    /// <summary>Creates the embedder, drawing its weights from <paramref name="generator"/>.</summary>
    public TimestepEmbedder(int dim, Generator generator, DType dtype = DType.F32)
    {
        Dim = dim;
        Dense0 = RegisterModule("dense0", new Linear(dim, dim, generator, dtype: dtype));
        Dense1 = RegisterModule("dense1", new Linear(dim, dim, generator, dtype: dtype));
    }

    /// <summary>Embeds timesteps t [B] (floats) as [B, d].</summary>
    public Tensor Forward(Tensor t) => Dense1.Forward(Dense0.Forward(TimestepEmbedding.Sinusoidal(t, Dim)).Silu());
}
