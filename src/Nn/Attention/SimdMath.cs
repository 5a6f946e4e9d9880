using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Nn;

/// <summary>Short-vector dot products and axpy over raw element references, widest SIMD first; fixed order, so deterministic.</summary>
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

    /// <summary>y[i] += alpha * x[i] over n elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(T alpha, ref T x, ref T y, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            var va = Vector512.Create(alpha);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref y, (nuint)i) + va * Vector512.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            var va = Vector256.Create(alpha);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref y, (nuint)i) + va * Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref y, i) += alpha * Unsafe.Add(ref x, i);
    }

    /// <summary>Sets n elements to zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(ref T y, int n) => MemoryMarshalHelpers.Clear(ref y, n);
}

internal static class MemoryMarshalHelpers
{
    public static void Clear<T>(ref T y, int n) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref y, n).Clear();
}
