using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>Global gradient-norm clipping with PyTorch's semantics (<c>clip_grad_norm_</c>, 2-norm).</summary>
public static class GradClipping
{
    /// <summary>
    /// Computes the 2-norm of all gradients together (in float64, parameters in order) and, when it exceeds
    /// <paramref name="maxNorm"/>, scales every gradient in place by maxNorm / (norm + 1e-6). Parameters without a
    /// gradient are skipped. Returns the norm before clipping.
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        if (maxNorm < 0) throw new ArgumentOutOfRangeException(nameof(maxNorm), "max_norm cannot be negative.");
        var withGrad = parameters.Where(p => p.Grad != null).ToList();
        double sumSquares = 0;
        foreach (var p in withGrad)
        {
            if (p.DType == DType.F32) foreach (var x in ParameterMemory.Grad<float>(p, "clip_grad_norm")) sumSquares += (double)x * x;
            else foreach (var x in ParameterMemory.Grad<double>(p, "clip_grad_norm")) sumSquares += x * x;
        }
        double norm = Math.Sqrt(sumSquares);
        if (norm > maxNorm)
        {
            double scale = maxNorm / (norm + 1e-6);
            using (GradMode.Disable())
                foreach (var p in withGrad)
                {
                    var g = p.Grad!;
                    if (!g.IsContiguous || g.DType != p.DType) g = p.Grad = g.Contiguous().To(p.DType);
                    if (g.DType == DType.F32) { foreach (ref var x in ParameterMemory.Span<float>(g, "clip_grad_norm")) x = (float)(x * scale); }
                    else foreach (ref var x in ParameterMemory.Span<double>(g, "clip_grad_norm")) x *= scale;
                }
        }
        return norm;
    }
}
