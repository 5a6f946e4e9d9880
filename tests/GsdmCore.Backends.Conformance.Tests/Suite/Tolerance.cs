using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>A result matches its reference when |got - want| &lt;= Atol + Rtol * |want| (NaN matches NaN, infinities match exactly).</summary>
public readonly record struct Tolerance(double Atol, double Rtol)
{
    /// <summary>F32 results: atol 1e-4, rtol 1e-4 (float rounding, device intrinsics, different summation orders).</summary>
    public static readonly Tolerance F32 = new(1e-4, 1e-4);

    /// <summary>F64 results: atol 1e-10, rtol 1e-10.</summary>
    public static readonly Tolerance F64 = new(1e-10, 1e-10);

    /// <summary>Exact: I32 results, copies, fills, gathers and Philox uniforms (which are exact in float32).</summary>
    public static readonly Tolerance Exact = new(0, 0);

    /// <summary>Philox normals: identical up to the rounding of log / sqrt / cos in float64 (a float32 ulp or two).</summary>
    public static Tolerance Normal(DType dtype) => dtype == DType.F32 ? new(1e-6, 3e-7) : new(1e-12, 1e-12);

    /// <summary>The tolerance of arithmetic results in <paramref name="dtype"/>.</summary>
    public static Tolerance For(DType dtype) => dtype switch
    {
        DType.F32 => F32,
        DType.F64 => F64,
        _ => Exact,
    };

    public bool Accepts(double got, double want)
    {
        if (double.IsNaN(want)) return double.IsNaN(got);
        if (double.IsInfinity(want) || double.IsInfinity(got)) return got == want;
        return Math.Abs(got - want) <= Atol + Rtol * Math.Abs(want);
    }

    public override string ToString() => $"atol {Atol:G3} + rtol {Rtol:G3} * |ref|";
}
