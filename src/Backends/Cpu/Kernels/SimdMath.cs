using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>Short-vector dot products over raw element references, widest SIMD first, in a fixed order (so deterministic); a vector exp.</summary>
internal static class SimdMath<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>sum_i a[i] * b[i] over n elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot(ref T a, ref T b, int n)
    {
        int i = 0;
        T sum = T.Zero;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            var acc = Vector512<T>.Zero;
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                acc += Vector512.LoadUnsafe(ref a, (nuint)i) * Vector512.LoadUnsafe(ref b, (nuint)i);
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            var acc = Vector256<T>.Zero;
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                acc += Vector256.LoadUnsafe(ref a, (nuint)i) * Vector256.LoadUnsafe(ref b, (nuint)i);
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        return sum;
    }

    /// <summary>sum_i a[i] * b[i] in an order fixed by the length alone (never by the memory address).</summary>
    public static T Dot(ReadOnlySpan<T> a, ReadOnlySpan<T> b) =>
        Dot(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a),
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(b), Math.Min(a.Length, b.Length));

    /// <summary>e^x per lane: <see cref="VectorExp"/> for float, the runtime's vector exp for double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp(Vector512<T> x) =>
        typeof(T) == typeof(float)
            ? VectorExp.Exp(x.As<T, float>()).As<float, T>()
            : Vector512.Exp(x.As<T, double>()).As<double, T>();

    /// <summary>e^x per lane: <see cref="VectorExp"/> for float, the runtime's vector exp for double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp(Vector256<T> x) =>
        typeof(T) == typeof(float)
            ? VectorExp.Exp(x.As<T, float>()).As<float, T>()
            : Vector256.Exp(x.As<T, double>()).As<double, T>();
}
