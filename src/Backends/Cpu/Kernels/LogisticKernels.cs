using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Sigmoid, SiLU and SiLU's derivative in one pass each. For float they run on a vector exp (Cephes' expf:
/// Cody-Waite reduction and a degree-6 polynomial, within 2 ulp; 0 below ln 2^-126, +inf above ln 2^128, NaN
/// kept), several times faster than composing TensorPrimitives' exp with separate arithmetic passes; the tail
/// shorter than a vector takes the same formulas in scalar code. Double composes <see cref="LanePureMath{T}.Exp"/>.
/// </summary>
internal static class LogisticKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Runs <paramref name="op"/> (Sigmoid, Silu or SiluDerivative) over x into y.</summary>
    public static void Run(UnaryOp op, ReadOnlySpan<T> x, Span<T> y)
    {
        if (typeof(T) == typeof(float))
        {
            RunFloat(op, MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
            return;
        }
        // Double: s = 1 / (1 + e^-x), then the op's arithmetic on s.
        TensorPrimitives.Negate(x, y);
        LanePureMath<T>.Exp(y, y);
        TensorPrimitives.Add(y, T.One, y);
        TensorPrimitives.Reciprocal(y, y);
        for (int i = 0; i < y.Length; i++) y[i] = FromSigmoid(op, x[i], y[i]);
    }

    private static T FromSigmoid(UnaryOp op, T x, T s) => op switch
    {
        UnaryOp.Sigmoid => s,
        UnaryOp.Silu => x * s,
        _ => s * (T.One + x * (T.One - s)),
    };

    private static void RunFloat(UnaryOp op, ReadOnlySpan<float> x, Span<float> y)
    {
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                Apply(op, Vector512.LoadUnsafe(ref x0, (nuint)i)).StoreUnsafe(ref y0, (nuint)i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                Apply(op, Vector256.LoadUnsafe(ref x0, (nuint)i)).StoreUnsafe(ref y0, (nuint)i);
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref x0, i);
            float s = 1f / (1f + MathF.Exp(-v));
            Unsafe.Add(ref y0, i) = op switch { UnaryOp.Sigmoid => s, UnaryOp.Silu => v * s, _ => s * (1f + v * (1f - s)) };
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Apply(UnaryOp op, Vector512<float> x)
    {
        var s = Vector512<float>.One / (Vector512<float>.One + VectorExp.Exp(-x));
        return op switch
        {
            UnaryOp.Sigmoid => s,
            UnaryOp.Silu => x * s,
            _ => s * (Vector512<float>.One + x * (Vector512<float>.One - s)),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Apply(UnaryOp op, Vector256<float> x)
    {
        var s = Vector256<float>.One / (Vector256<float>.One + VectorExp.Exp(-x));
        return op switch
        {
            UnaryOp.Sigmoid => s,
            UnaryOp.Silu => x * s,
            _ => s * (Vector256<float>.One + x * (Vector256<float>.One - s)),
        };
    }
}
