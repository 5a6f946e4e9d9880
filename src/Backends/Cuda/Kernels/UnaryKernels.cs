using ILGPU;

namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>One-input elementwise kernels over any view; the output is contiguous (y[i]).</summary>
internal static class UnaryKernels
{
    /// <summary>y[i] = op(x[view i]).</summary>
    public static void Unary<T, TOps>(Index1D i, ArrayView<T> x, Strides8 xs, Dims8 dims, int contiguous, int op, ArrayView<T> y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int at = contiguous != 0 ? xs.Offset + i : xs.At(dims.Coords(i));
        y[i] = ElementMath.Unary<T, TOps>(op, x[at]);
    }

    /// <summary>y[i] = min(max(x[view i], lo), hi).</summary>
    public static void Clamp<T, TOps>(Index1D i, ArrayView<T> x, Strides8 xs, Dims8 dims, int contiguous, T lo, T hi, ArrayView<T> y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int at = contiguous != 0 ? xs.Offset + i : xs.At(dims.Coords(i));
        y[i] = ElementMath.Clamp<T, TOps>(x[at], lo, hi);
    }
}
