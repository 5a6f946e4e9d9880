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

    /// <summary>
    /// e^x per lane. Float: Cody-Waite reduction and the degree-6 polynomial of Cephes' expf (within 1 ulp of
    /// exp for x &lt;= 0, the softmax's range; 0 below ln(2^-126), NaN stays NaN). Double: the runtime's
    /// vector exp.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp(Vector256<T> x)
    {
        if (typeof(T) != typeof(float)) return Vector256.Exp(x.As<T, double>()).As<double, T>();
        var xf = x.As<T, float>();
        var k = Vector256.Round(xf * 1.44269504088896341f);
        var r = xf - k * 0.693359375f;
        r -= k * -2.12194440e-4f;
        var poly = Vector256.Create(1.9875691500e-4f);
        poly = poly * r + Vector256.Create(1.3981999507e-3f);
        poly = poly * r + Vector256.Create(8.3334519073e-3f);
        poly = poly * r + Vector256.Create(4.1665795894e-2f);
        poly = poly * r + Vector256.Create(1.6666665459e-1f);
        poly = poly * r + Vector256.Create(5.0000001201e-1f);
        var y = poly * (r * r) + r + Vector256<float>.One;
        var pow2 = Vector256.ShiftLeft(Vector256.ConvertToInt32(k) + Vector256.Create(127), 23).As<int, float>();
        var underflow = Vector256.LessThan(xf, Vector256.Create(-87.33654f));
        return Vector256.ConditionalSelect(underflow, Vector256<float>.Zero, y * pow2).As<float, T>();
    }
}
