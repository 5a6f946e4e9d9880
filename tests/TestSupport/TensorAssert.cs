using System.Globalization;
using System.Text;
using GsdmCore.Backends;
using Xunit.Sdk;

namespace GsdmCore.TestSupport;

/// <summary>Compares a tensor with its float64 reference and explains the worst disagreement.</summary>
public static class TensorAssert
{
    /// <summary>
    /// Fails unless <paramref name="actual"/> has the reference's shape and every element is within
    /// <paramref name="tolerance"/>. <paramref name="what"/> names the op, dtype and input layouts.
    /// </summary>
    public static void Close(NdArray expected, Tensor actual, Tolerance tolerance, string what, DType? dtype = null)
    {
        if (dtype is { } want && actual.DType != want)
            throw new XunitException($"{what}: result dtype {actual.DType}, expected {want}.");
        if (!actual.Shape.SequenceEqual(expected.Shape))
            throw new XunitException($"{what}: result shape {NdArray.Format(actual.Shape)}, expected {NdArray.Format(expected.Shape)}.");
        var values = actual.ToArray<double>();
        int worst = -1, bad = 0;
        double worstExcess = double.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            if (tolerance.Accepts(expected.Data[i], values[i])) continue;
            bad++;
            double excess = double.IsFinite(values[i]) && double.IsFinite(expected.Data[i])
                ? Math.Abs(values[i] - expected.Data[i]) / tolerance.Allowed(expected.Data[i])
                : double.PositiveInfinity;
            if (worst < 0 || excess > worstExcess) { worst = i; worstExcess = excess; }
        }
        if (worst < 0) return;
        var e = expected.Data[worst];
        var a = values[worst];
        var message = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{what}: {bad} of {values.Length} elements out of tolerance ({tolerance}).\n")
            .Append(CultureInfo.InvariantCulture, $"  result shape {NdArray.Format(expected.Shape)}, worst element {NdArray.Format(NdArray.Unravel(worst, expected.Shape))}: ")
            .Append(CultureInfo.InvariantCulture, $"expected {e:R}, actual {a:R}, |diff| {Math.Abs(a - e):G3}, allowed {tolerance.Allowed(e):G3}");
        throw new XunitException(message.ToString());
    }

    /// <summary>Bitwise equality of two tensors' values (thread-count determinism).</summary>
    public static void BitIdentical(Tensor expected, Tensor actual, string what)
    {
        if (!actual.Shape.SequenceEqual(expected.Shape))
            throw new XunitException($"{what}: shapes {NdArray.Format(expected.Shape)} vs {NdArray.Format(actual.Shape)}.");
        var x = expected.ToArray<double>();
        var y = actual.ToArray<double>();
        for (int i = 0; i < x.Length; i++)
            if (BitConverter.DoubleToInt64Bits(x[i]) != BitConverter.DoubleToInt64Bits(y[i]))
                throw new XunitException($"{what}: element {NdArray.Format(NdArray.Unravel(i, expected.Shape))} differs: {x[i]:R} vs {y[i]:R}.");
    }
}
