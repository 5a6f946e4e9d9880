using System.Numerics;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Transcendental functions computed one element at a time, for the cases where TensorPrimitives' vector versions are
/// not lane-pure: float and double sine and cosine, double exp and tanh. Those send a whole vector to the scalar
/// routine when one of its lanes is out of the polynomial's range, and which elements share a vector follows the
/// destination's address; the same values then got different bits wherever the GC had put the arrays (a timestep
/// embedding's cosine split the demo's training into two trajectories). Here every element's result depends on its
/// own value alone. The spans may be the same memory.
/// </summary>
internal static class ElementByElement<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Sin(ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = T.Sin(x[i]);
    }

    public static void Cos(ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = T.Cos(x[i]);
    }

    public static void Exp(ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = T.Exp(x[i]);
    }

    public static void Tanh(ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = T.Tanh(x[i]);
    }
}

/// <summary>The exp every CPU kernel uses: TensorPrimitives' vector exp for float (lane-pure), element by element for double.</summary>
internal static class LanePureExp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run(ReadOnlySpan<T> x, Span<T> y)
    {
        if (typeof(T) == typeof(double)) ElementByElement<T>.Exp(x, y);
        else System.Numerics.Tensors.TensorPrimitives.Exp(x, y);
    }
}
