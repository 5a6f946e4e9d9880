using ILGPU;

namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>
/// What every kernel needs of an element type, as instance methods of a struct so that ILGPU can
/// specialise generic kernels for it (struct functors: <c>default(TOps).Add(a, b)</c>).
/// Conversions go through double, which is exact for F32 and I32 and rounds like a direct cast.
/// </summary>
internal interface INumberOps<T> where T : unmanaged
{
    T FromDouble(double value);
    double ToDouble(T value);
    T Add(T a, T b);
    void AtomicAdd(ref T target, T value);
}

/// <summary>The float-only part: arithmetic, comparisons and the transcendental functions.</summary>
internal interface IFloatOps<T> : INumberOps<T> where T : unmanaged
{
    T Zero { get; }
    T One { get; }
    T NaN { get; }
    T NegativeInfinity { get; }
    T PositiveInfinity { get; }
    bool IsNaN(T x);
    bool Less(T a, T b);
    bool Equal(T a, T b);
    T Sub(T a, T b);
    T Mul(T a, T b);
    T Div(T a, T b);
    T Neg(T x);
    T Abs(T x);
    T Exp(T x);
    T Log(T x);
    T Sqrt(T x);
    T Sin(T x);
    T Cos(T x);
    T Pow(T a, T b);
}

/// <summary>float32.</summary>
internal readonly struct F32Ops : IFloatOps<float>
{
    public float FromDouble(double value) => (float)value;
    public double ToDouble(float value) => value;
    public float Add(float a, float b) => a + b;
    public void AtomicAdd(ref float target, float value) => Atomic.Add(ref target, value);
    public float Zero => 0f;
    public float One => 1f;
    public float NaN => float.NaN;
    public float NegativeInfinity => float.NegativeInfinity;
    public float PositiveInfinity => float.PositiveInfinity;
    public bool IsNaN(float x) => float.IsNaN(x);
    public bool Less(float a, float b) => a < b;
    public bool Equal(float a, float b) => a == b;
    public float Sub(float a, float b) => a - b;
    public float Mul(float a, float b) => a * b;
    public float Div(float a, float b) => a / b;
    public float Neg(float x) => -x;
    public float Abs(float x) => Math.Abs(x);
    public float Exp(float x) => MathF.Exp(x);
    public float Log(float x) => MathF.Log(x);
    public float Sqrt(float x) => MathF.Sqrt(x);
    public float Sin(float x) => MathF.Sin(x);
    public float Cos(float x) => MathF.Cos(x);
    public float Pow(float a, float b) => MathF.Pow(a, b);
}

/// <summary>float64.</summary>
internal readonly struct F64Ops : IFloatOps<double>
{
    public double FromDouble(double value) => value;
    public double ToDouble(double value) => value;
    public double Add(double a, double b) => a + b;
    public void AtomicAdd(ref double target, double value) => Atomic.Add(ref target, value);
    public double Zero => 0.0;
    public double One => 1.0;
    public double NaN => double.NaN;
    public double NegativeInfinity => double.NegativeInfinity;
    public double PositiveInfinity => double.PositiveInfinity;
    public bool IsNaN(double x) => double.IsNaN(x);
    public bool Less(double a, double b) => a < b;
    public bool Equal(double a, double b) => a == b;
    public double Sub(double a, double b) => a - b;
    public double Mul(double a, double b) => a * b;
    public double Div(double a, double b) => a / b;
    public double Neg(double x) => -x;
    public double Abs(double x) => Math.Abs(x);
    public double Exp(double x) => Math.Exp(x);
    public double Log(double x) => Math.Log(x);
    public double Sqrt(double x) => Math.Sqrt(x);
    public double Sin(double x) => Math.Sin(x);
    public double Cos(double x) => Math.Cos(x);
    public double Pow(double a, double b) => Math.Pow(a, b);
}

/// <summary>int32 (indices; copies, fills and the index kernels only).</summary>
internal readonly struct I32Ops : INumberOps<int>
{
    public int FromDouble(double value) => (int)value;
    public double ToDouble(int value) => value;
    public int Add(int a, int b) => a + b;
    public void AtomicAdd(ref int target, int value) => Atomic.Add(ref target, value);
}
