using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>Checked access to parameters and their gradients for in-place updates, on any device.</summary>
internal static class ParameterMemory
{
    /// <summary>
    /// The gradient of <paramref name="p"/> as a contiguous tensor of p's dtype on p's device (converted or moved when
    /// needed).
    /// </summary>
    /// <exception cref="TensorShapeException">The gradient's shape differs from the parameter's.</exception>
    public static Tensor Grad(Tensor p, string op)
    {
        var g = p.Grad ?? throw new AutogradException(op, "the parameter has no gradient; call Backward() first.");
        if (!g.Layout.Shape.AsSpan().SequenceEqual(p.Layout.Shape))
            throw new TensorShapeException(op, $"the gradient has shape {Layout.Format(g.Shape)} but its parameter has {Layout.Format(p.Shape)}.");
        using (GradMode.Disable())
            if (!g.IsContiguous || g.DType != p.DType || g.Device != p.Device) g = g.Detach().To(p.Device).Contiguous().To(p.DType);
        return g;
    }

    /// <summary>The values of <paramref name="p"/> as a contiguous tensor with the dtype and device of <paramref name="like"/>: <paramref name="p"/> itself when it already is one.</summary>
    public static Tensor Like(Tensor p, Tensor like)
    {
        if (p.IsContiguous && p.DType == like.DType && p.Device == like.Device) return p;
        using (GradMode.Disable()) return p.Detach().To(like.Device).Contiguous().To(like.DType);
    }
}
