namespace GsdmCore.TestSupport;

/// <summary>Float64 definitions of the scalar functions the engine vectorises.</summary>
public static class Scalars
{
    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));
    public static double Silu(double x) => x * Sigmoid(x);
    public static double SiluDerivative(double x) => Sigmoid(x) * (1 + x * (1 - Sigmoid(x)));
    public static double Relu(double x) => Math.Max(x, 0);
    public static double Rsqrt(double x) => 1.0 / Math.Sqrt(x);
    public static double Sign(double x) => x > 0 ? 1 : x < 0 ? -1 : x;
    public static double Clamp(double x, double lo, double hi) => Math.Min(Math.Max(x, lo), hi);
    public static double Bool(bool b) => b ? 1 : 0;
}
