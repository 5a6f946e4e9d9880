using GsdmCore.Backends;

namespace GsdmCore.TestSupport;

/// <summary>|actual - expected| &lt;= Atol + Rtol * |expected|.</summary>
public readonly record struct Tolerance(double Atol, double Rtol)
{
    public bool Accepts(double expected, double actual)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual)) return double.IsNaN(expected) && double.IsNaN(actual);
        if (double.IsInfinity(expected) || double.IsInfinity(actual)) return expected == actual;
        return Math.Abs(actual - expected) <= Allowed(expected);
    }

    public double Allowed(double expected) => Atol + Rtol * Math.Abs(expected);

    /// <summary>Exact equality (comparisons, index results, copies).</summary>
    public static Tolerance Exact => new(0, 0);

    /// <summary>Elementwise ops: a few float ulps, or near-double precision.</summary>
    public static Tolerance Elementwise(DType dtype) => dtype == DType.F32 ? new(1e-6, 1e-5) : new(1e-13, 1e-12);

    /// <summary>
    /// Accumulating ops (reductions, matmul, softmax) over groups of <paramref name="terms"/> values of
    /// magnitude up to about 3: the summation order differs from the reference, so the absolute error
    /// allowed grows with the number of terms.
    /// </summary>
    public static Tolerance Accumulating(DType dtype, int terms) => dtype == DType.F32
        ? new(1e-5 + 4e-6 * terms, 1e-4)
        : new(1e-13 + 1e-14 * terms, 1e-11);

    public override string ToString() => $"atol {Atol:G3}, rtol {Rtol:G3}";
}
