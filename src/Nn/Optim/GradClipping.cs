using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>Global gradient-norm clipping with PyTorch's semantics (<c>clip_grad_norm_</c>, 2-norm).</summary>
public static class GradClipping
{
    /// <summary>
    /// Computes the 2-norm of all gradients together (in float64, parameters in order) and, when it exceeds
    /// <paramref name="maxNorm"/>, scales every gradient by maxNorm / (norm + 1e-6) (each element in float64, rounded
    /// to its dtype). Parameters without a gradient are skipped. Returns the norm before clipping. Host gradients are
    /// summed element by element in order; device gradients are reduced on their device (in float64) and only the
    /// per-parameter sums come back.
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        if (maxNorm < 0) throw new ArgumentOutOfRangeException(nameof(maxNorm), "max_norm cannot be negative.");
        var withGrad = parameters.Where(p => p.Grad != null).ToList();
        double sumSquares = 0;
        using (GradMode.Disable())
            foreach (var p in withGrad)
            {
                var g = ParameterMemory.Grad(p, "clip_grad_norm");
                if (g.Device == Device.Cpu)
                {
                    if (g.DType == DType.F32) foreach (var x in g.ToArray<float>()) sumSquares += (double)x * x;
                    else foreach (var x in g.ToArray<double>()) sumSquares += x * x;
                }
                else sumSquares += g.To(DType.F64).Square().Sum().Item();
            }
        double norm = Math.Sqrt(sumSquares);
        if (norm > maxNorm)
        {
            double scale = maxNorm / (norm + 1e-6);
            using (GradMode.Disable())
                foreach (var p in withGrad)
                {
                    var g = ParameterMemory.Grad(p, "clip_grad_norm");
                    p.Grad = (g.To(DType.F64) * scale).To(p.DType);
                }
        }
        return norm;
    }
}
