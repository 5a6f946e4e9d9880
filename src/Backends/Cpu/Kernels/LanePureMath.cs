using System.Numerics;
using System.Numerics.Tensors;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// The transcendental functions of the elementwise kernels, each lane-pure: an element's result depends on its own
/// value alone, never on its neighbours or on where the arrays lie.
/// </summary>
/// <remarks>
/// TensorPrimitives' float exp and tanh are. Its sine and cosine (float and double) and its double exp and tanh are
/// not: they send a whole vector to the scalar routine when one of its lanes is out of the polynomial's range, and
/// which elements share a vector follows the destination's address (the library aligns its stores). A CPU tensor's
/// memory is a managed array wherever the GC put it, so the same values got different bits from run to run: a timestep
/// embedding's cosine split the demo's training into two trajectories. Those run one element at a time here, with the
/// scalar routines. The spans may be the same memory.
/// </remarks>
internal static class LanePureMath<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Exp(ReadOnlySpan<T> x, Span<T> y)
    {
        if (typeof(T) == typeof(float)) TensorPrimitives.Exp(x, y);
        else
            for (int i = 0; i < x.Length; i++) y[i] = T.Exp(x[i]);
    }

    public static void Tanh(ReadOnlySpan<T> x, Span<T> y)
    {
        if (typeof(T) == typeof(float)) TensorPrimitives.Tanh(x, y);
        else
            for (int i = 0; i < x.Length; i++) y[i] = T.Tanh(x[i]);
    }

    public static void Sin(ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = T.Sin(x[i]);
    }

    public static void Cos(ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = T.Cos(x[i]);
    }
}
