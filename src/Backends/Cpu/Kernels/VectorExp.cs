using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// e^x per float lane: Cephes' expf (Cody-Waite reduction by ln 2, degree-6 polynomial), within 2 ulp; 0 below
/// ln 2^-126 (no denormals), +inf above ln 2^128, NaN stays NaN.
/// <para>
/// The power of two takes k with the platform's native conversion (one cvttps2dq on x86): k is a whole number within
/// [-127, 128] for every non-NaN input, where it gives what the saturating <c>ConvertToInt32</c> gives, and a NaN's
/// result is NaN whatever the integer. The saturating form costs four more instructions a vector (a compare, a mask
/// and a blend around the conversion), a fifth of the non-positive exp.
/// </para>
/// </summary>
internal static class VectorExp
{
    private const float Log2E = 1.44269504088896341f, Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    private const float Lowest = -87.33654f, Highest = 88.72283f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var k = Vector512.Round(Vector512.Min(Vector512.Max(x, Vector512.Create(Lowest)), Vector512.Create(Highest)) * Log2E);
        var r = x - k * Ln2Hi - k * Ln2Lo;
        var p = Vector512.Create(1.9875691500e-4f);
        p = p * r + Vector512.Create(1.3981999507e-3f);
        p = p * r + Vector512.Create(8.3334519073e-3f);
        p = p * r + Vector512.Create(4.1665795894e-2f);
        p = p * r + Vector512.Create(1.6666665459e-1f);
        p = p * r + Vector512.Create(5.0000001201e-1f);
        var y = p * (r * r) + r + Vector512<float>.One;
        // 2^k in two halves, so that k = 128 (e^x just below the overflow threshold) stays finite.
        var ki = Vector512.ConvertToInt32Native(k);
        var half = Vector512.ShiftRightArithmetic(ki, 1);
        var pow1 = Vector512.ShiftLeft(half + Vector512.Create(127), 23).As<int, float>();
        var pow2 = Vector512.ShiftLeft(ki - half + Vector512.Create(127), 23).As<int, float>();
        y = y * pow1 * pow2;
        y = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(Lowest)), Vector512<float>.Zero, y);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(Highest)), Vector512.Create(float.PositiveInfinity), y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var k = Vector256.Round(Vector256.Min(Vector256.Max(x, Vector256.Create(Lowest)), Vector256.Create(Highest)) * Log2E);
        var r = x - k * Ln2Hi - k * Ln2Lo;
        var p = Vector256.Create(1.9875691500e-4f);
        p = p * r + Vector256.Create(1.3981999507e-3f);
        p = p * r + Vector256.Create(8.3334519073e-3f);
        p = p * r + Vector256.Create(4.1665795894e-2f);
        p = p * r + Vector256.Create(1.6666665459e-1f);
        p = p * r + Vector256.Create(5.0000001201e-1f);
        var y = p * (r * r) + r + Vector256<float>.One;
        var ki = Vector256.ConvertToInt32Native(k);
        var half = Vector256.ShiftRightArithmetic(ki, 1);
        var pow1 = Vector256.ShiftLeft(half + Vector256.Create(127), 23).As<int, float>();
        var pow2 = Vector256.ShiftLeft(ki - half + Vector256.Create(127), 23).As<int, float>();
        y = y * pow1 * pow2;
        y = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(Lowest)), Vector256<float>.Zero, y);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(Highest)), Vector256.Create(float.PositiveInfinity), y);
    }

    /// <summary>
    /// e^x for x &lt;= 0 (or NaN): the same polynomial with fused multiply-adds and only the lower clamp, which that
    /// range allows (2^k stays normal for k down to the clamp, so one power of two suffices); NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpOfNonPositive(Vector512<float> x)
    {
        var f = Vector512.MaxNative(Vector512.Create(Lowest), x);
        var k = Vector512.Round(f * Log2E);
        var r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2Hi), f);
        r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(1.9875691500e-4f), r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        var y = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        return y * Vector512.ShiftLeft(Vector512.ConvertToInt32Native(k) + Vector512.Create(127), 23).As<int, float>();
    }

    /// <inheritdoc cref="ExpOfNonPositive(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpOfNonPositive(Vector256<float> x)
    {
        // MaxNative returns its second operand when either is NaN.
        var f = Vector256.MaxNative(Vector256.Create(Lowest), x);
        var k = Vector256.Round(f * Log2E);
        var r = Vector256.FusedMultiplyAdd(k, Vector256.Create(-Ln2Hi), f);
        r = Vector256.FusedMultiplyAdd(k, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(1.9875691500e-4f), r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        var y = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        return y * Vector256.ShiftLeft(Vector256.ConvertToInt32Native(k) + Vector256.Create(127), 23).As<int, float>();
    }
}
