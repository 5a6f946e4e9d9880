namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>
/// Scalar definitions of the elementwise ops, shared by the unary, binary and softmax kernels. The op code
/// is a kernel argument: every thread of a launch takes the same branch, so the switch costs no divergence
/// and one compiled kernel serves every op. Semantics follow the CPU backend (NaN-propagating max/min,
/// comparison results 1 / 0 in the input's dtype).
/// </summary>
internal static class ElementMath
{
    public static T Unary<T, TOps>(int op, T x) where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var m = default(TOps);
        switch ((UnaryOp)op)
        {
            case UnaryOp.Neg: return m.Neg(x);
            case UnaryOp.Abs: return m.Abs(x);
            case UnaryOp.Exp: return m.Exp(x);
            case UnaryOp.Log: return m.Log(x);
            case UnaryOp.Sqrt: return m.Sqrt(x);
            case UnaryOp.Rsqrt: return m.Div(m.One, m.Sqrt(x));
            case UnaryOp.Square: return m.Mul(x, x);
            case UnaryOp.Tanh: return Tanh<T, TOps>(x);
            case UnaryOp.Sigmoid: return Sigmoid<T, TOps>(x);
            case UnaryOp.Silu: return m.Mul(x, Sigmoid<T, TOps>(x));
            case UnaryOp.SiluDerivative:
            {
                T s = Sigmoid<T, TOps>(x);
                return m.Mul(s, m.Add(m.One, m.Mul(x, m.Sub(m.One, s))));
            }
            case UnaryOp.Relu: return m.Less(m.Zero, x) || m.IsNaN(x) ? x : m.Zero;
            case UnaryOp.Sin: return m.Sin(x);
            case UnaryOp.Cos: return m.Cos(x);
            case UnaryOp.Sign: return m.Less(m.Zero, x) ? m.One : m.Less(x, m.Zero) ? m.Neg(m.One) : x;
            default: return m.NaN;
        }
    }

    public static T Binary<T, TOps>(int op, T a, T b) where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var m = default(TOps);
        switch ((BinaryOp)op)
        {
            case BinaryOp.Add: return m.Add(a, b);
            case BinaryOp.Sub: return m.Sub(a, b);
            case BinaryOp.Mul: return m.Mul(a, b);
            case BinaryOp.Div: return m.Div(a, b);
            case BinaryOp.Pow: return m.Pow(a, b);
            case BinaryOp.Maximum: return m.IsNaN(a) || m.IsNaN(b) ? m.NaN : m.Less(a, b) ? b : a;
            case BinaryOp.Minimum: return m.IsNaN(a) || m.IsNaN(b) ? m.NaN : m.Less(b, a) ? b : a;
            case BinaryOp.Eq: return m.Equal(a, b) ? m.One : m.Zero;
            case BinaryOp.Ne: return m.Equal(a, b) ? m.Zero : m.One;
            case BinaryOp.Lt: return m.Less(a, b) ? m.One : m.Zero;
            case BinaryOp.Le: return m.Less(b, a) || m.IsNaN(a) || m.IsNaN(b) ? m.Zero : m.One;
            case BinaryOp.Gt: return m.Less(b, a) ? m.One : m.Zero;
            case BinaryOp.Ge: return m.Less(a, b) || m.IsNaN(a) || m.IsNaN(b) ? m.Zero : m.One;
            default: return m.NaN;
        }
    }

    /// <summary>min(max(x, lo), hi), NaN staying NaN.</summary>
    public static T Clamp<T, TOps>(T x, T lo, T hi) where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var m = default(TOps);
        T y = m.Less(x, lo) ? lo : x;
        return m.Less(hi, y) ? hi : y;
    }

    /// <summary>NaN-propagating max (reductions and softmax).</summary>
    public static T Max<T, TOps>(T a, T b) where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var m = default(TOps);
        return m.IsNaN(a) ? a : m.IsNaN(b) ? b : m.Less(a, b) ? b : a;
    }

    /// <summary>NaN-propagating min.</summary>
    public static T Min<T, TOps>(T a, T b) where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var m = default(TOps);
        return m.IsNaN(a) ? a : m.IsNaN(b) ? b : m.Less(b, a) ? b : a;
    }

    /// <summary>1 / (1 + e^-x): exact limits 0 and 1 at the infinities.</summary>
    private static T Sigmoid<T, TOps>(T x) where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var m = default(TOps);
        return m.Div(m.One, m.Add(m.One, m.Exp(m.Neg(x))));
    }

    /// <summary>
    /// sign(x) (1 - 2 / (e^{2|x|} + 1)): no inf / inf for large |x| (the naive (e^2x - 1) / (e^2x + 1) gives
    /// NaN once e^2x overflows).
    /// </summary>
    private static T Tanh<T, TOps>(T x) where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var m = default(TOps);
        T ax = m.Abs(x);
        T two = m.Add(m.One, m.One);
        T t = m.Sub(m.One, m.Div(two, m.Add(m.Exp(m.Mul(two, ax)), m.One)));
        return m.Less(x, m.Zero) ? m.Neg(t) : m.IsNaN(x) ? x : t;
    }
}
