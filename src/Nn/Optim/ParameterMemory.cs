using GsdmCore.Backends;
using GsdmCore.Backends.Cpu;

namespace GsdmCore.Nn;

/// <summary>Direct access to the CPU memory of contiguous tensors, for in-place parameter updates.</summary>
internal static class ParameterMemory
{
    /// <summary>The elements of contiguous CPU tensor <paramref name="t"/> as a writable span.</summary>
    public static Span<T> Span<T>(Tensor t, string op) where T : unmanaged
    {
        if (t.Buffer is not CpuBuffer buffer)
            throw new TensorDeviceException(op, $"in-place updates run on the CPU; the tensor is on {t.Device}.");
        if (!t.IsContiguous)
            throw new TensorShapeException(op, $"in-place updates need a contiguous tensor, got layout {t.Layout}.");
        if (t.DType != DTypeInfo.Of<T>())
            throw new TensorDTypeException(op, $"expected {DTypeInfo.Of<T>()}, got {t.DType}.");
        return buffer.As<T>().AsSpan(t.Layout.Offset, t.Count);
    }

    /// <summary>The gradient of <paramref name="p"/> as a read-only span (made contiguous and converted to p's dtype when needed), or empty when it has none.</summary>
    public static ReadOnlySpan<T> Grad<T>(Tensor p, string op) where T : unmanaged
    {
        var g = p.Grad;
        if (g == null) return default;
        if (!g.Shape.AsSpan().SequenceEqual(p.Shape))
            throw new TensorShapeException(op, $"the gradient has shape {Layout.Format(g.Shape)} but its parameter has {Layout.Format(p.Shape)}.");
        using (GradMode.Disable())
            if (!g.IsContiguous || g.DType != p.DType || g.Buffer is not CpuBuffer) g = g.Detach().Contiguous().To(p.DType);
        return ((CpuBuffer)g.Buffer).As<T>().AsSpan(g.Layout.Offset, g.Count);
    }
}
