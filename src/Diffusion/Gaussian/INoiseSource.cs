using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>Where a sampler's Gaussian noise comes from (x_T and each step's noise), so a test can feed its own.</summary>
public interface INoiseSource
{
    /// <summary>A fresh tensor of standard normal noise of <paramref name="shape"/> and <paramref name="dtype"/>.</summary>
    Tensor Next(int[] shape, DType dtype);
}
