using GsdmCore.Backends;

namespace GsdmCore;

public sealed partial class Tensor
{
    private Tensor Unary(UnaryOp op)
    {
        Checks.Float(OpName<UnaryOp>.Of(op), this);
        var y = Empty(Layout.Shape, DType, Device);
        Backend.Unary(op, Buffer, Layout, y.Buffer);
        return y.Recorded(OpKind.Unary, OpName<UnaryOp>.Boxed(op), this);
    }

    /// <summary>-x</summary>
    public Tensor Neg() => Unary(UnaryOp.Neg);
    /// <summary>|x|</summary>
    public Tensor Abs() => Unary(UnaryOp.Abs);
    /// <summary>e^x</summary>
    public Tensor Exp() => Unary(UnaryOp.Exp);
    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Unary(UnaryOp.Log);
    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Unary(UnaryOp.Sqrt);
    /// <summary>1 / sqrt(x).</summary>
    public Tensor Rsqrt() => Unary(UnaryOp.Rsqrt);
    /// <summary>x^2</summary>
    public Tensor Square() => Unary(UnaryOp.Square);
    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Unary(UnaryOp.Tanh);
    /// <summary>Logistic sigmoid.</summary>
    public Tensor Sigmoid() => Unary(UnaryOp.Sigmoid);
    /// <summary>x * sigmoid(x).</summary>
    public Tensor Silu() => Unary(UnaryOp.Silu);

    /// <summary>
    /// The derivative of SiLU, s (1 + x (1 - s)) with s = sigmoid(x), in one pass (what SiLU's gradient rule
    /// multiplies the incoming gradient by).
    /// </summary>
    public Tensor SiluDerivative() => Unary(UnaryOp.SiluDerivative);
    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Unary(UnaryOp.Relu);
    /// <summary>Sine.</summary>
    public Tensor Sin() => Unary(UnaryOp.Sin);
    /// <summary>Cosine.</summary>
    public Tensor Cos() => Unary(UnaryOp.Cos);
    /// <summary>-1, 0 or 1 by sign (not differentiable: no gradient flows).</summary>
    public Tensor Sign()
    {
        using (GradMode.Disable()) return Unary(UnaryOp.Sign);
    }

    /// <summary>min(max(x, lo), hi). The gradient flows where lo &lt;= x &lt;= hi.</summary>
    public Tensor Clamp(double lo, double hi)
    {
        Checks.Float("clamp", this);
        if (lo > hi) throw new TensorShapeException("clamp", $"lower bound {lo} is above upper bound {hi}.");
        var y = Empty(Layout.Shape, DType, Device);
        Backend.Clamp(Buffer, Layout, lo, hi, y.Buffer);
        return y.Recorded(OpKind.Clamp, (lo, hi), this);
    }

    private static Tensor Binary(BinaryOp op, Tensor a, Tensor b)
    {
        string name = OpName<BinaryOp>.Of(op);
        Checks.SameDevice(name, a, b);
        Checks.SameDType(name, a, b);
        Checks.Float(name, a);
        var shape = Checks.Broadcast(name, a.Layout.Shape, b.Layout.Shape);
        var av = a.BroadcastView(name, shape);
        var bv = b.BroadcastView(name, shape);
        var y = Empty(shape, a.DType, a.Device);
        a.Backend.Binary(op, av.Buffer, av.Layout, bv.Buffer, bv.Layout, y.Buffer);
        return op >= BinaryOp.Eq ? y : y.Recorded(OpKind.Binary, OpName<BinaryOp>.Boxed(op), a, b);
    }

    private Tensor Const(double value) => Scalar(value, DType, Device);

    /// <summary>a + b with broadcasting.</summary>
    public Tensor Add(Tensor other) => Binary(BinaryOp.Add, this, other);
    /// <summary>a - b with broadcasting.</summary>
    public Tensor Sub(Tensor other) => Binary(BinaryOp.Sub, this, other);
    /// <summary>a * b with broadcasting.</summary>
    public Tensor Mul(Tensor other) => Binary(BinaryOp.Mul, this, other);
    /// <summary>a / b with broadcasting.</summary>
    public Tensor Div(Tensor other) => Binary(BinaryOp.Div, this, other);
    /// <summary>a ^ b with broadcasting.</summary>
    public Tensor Pow(Tensor exponent) => Binary(BinaryOp.Pow, this, exponent);
    /// <summary>a ^ c.</summary>
    public Tensor Pow(double exponent) => Binary(BinaryOp.Pow, this, Const(exponent));
    /// <summary>Elementwise maximum (NaN propagates).</summary>
    public Tensor Maximum(Tensor other) => Binary(BinaryOp.Maximum, this, other);
    /// <summary>Elementwise minimum (NaN propagates).</summary>
    public Tensor Minimum(Tensor other) => Binary(BinaryOp.Minimum, this, other);

    /// <summary>Mask (1 where true, 0 elsewhere, in this dtype) of a == b.</summary>
    public Tensor Eq(Tensor other) => Binary(BinaryOp.Eq, this, other);
    /// <summary>Mask of a != b.</summary>
    public Tensor Ne(Tensor other) => Binary(BinaryOp.Ne, this, other);
    /// <summary>Mask of a &lt; b.</summary>
    public Tensor Lt(Tensor other) => Binary(BinaryOp.Lt, this, other);
    /// <summary>Mask of a &lt;= b.</summary>
    public Tensor Le(Tensor other) => Binary(BinaryOp.Le, this, other);
    /// <summary>Mask of a &gt; b.</summary>
    public Tensor Gt(Tensor other) => Binary(BinaryOp.Gt, this, other);
    /// <summary>Mask of a &gt;= b.</summary>
    public Tensor Ge(Tensor other) => Binary(BinaryOp.Ge, this, other);
    /// <summary>Mask of a == c.</summary>
    public Tensor Eq(double value) => Eq(Const(value));
    /// <summary>Mask of a &lt; c.</summary>
    public Tensor Lt(double value) => Lt(Const(value));
    /// <summary>Mask of a &gt; c.</summary>
    public Tensor Gt(double value) => Gt(Const(value));

    /// <summary>cond != 0 ? a : b, all three broadcast together. The gradient flows to a and b, never to cond.</summary>
    public static Tensor Where(Tensor cond, Tensor a, Tensor b)
    {
        Checks.SameDevice("where", a, b);
        Checks.SameDevice("where", cond, a);
        Checks.SameDType("where", a, b);
        Checks.SameDType("where", cond, a);
        Checks.Float("where", a);
        var shape = Checks.Broadcast("where", Checks.Broadcast("where", cond.Layout.Shape, a.Layout.Shape), b.Layout.Shape);
        var cv = cond.BroadcastView("where", shape);
        var av = a.BroadcastView("where", shape);
        var bv = b.BroadcastView("where", shape);
        var y = Empty(shape, a.DType, a.Device);
        a.Backend.Where(cv.Buffer, cv.Layout, av.Buffer, av.Layout, bv.Buffer, bv.Layout, y.Buffer);
        return y.Recorded(OpKind.Where, null, cond.Detach(), a, b);
    }

    /// <summary>a + b</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>a - b</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>a * b</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>a / b</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>-a</summary>
    public static Tensor operator -(Tensor a) => a.Neg();
    /// <summary>a + c</summary>
    public static Tensor operator +(Tensor a, double c) => a.Add(a.Const(c));
    /// <summary>c + a</summary>
    public static Tensor operator +(double c, Tensor a) => a.Const(c).Add(a);
    /// <summary>a - c</summary>
    public static Tensor operator -(Tensor a, double c) => a.Sub(a.Const(c));
    /// <summary>c - a</summary>
    public static Tensor operator -(double c, Tensor a) => a.Const(c).Sub(a);
    /// <summary>a * c</summary>
    public static Tensor operator *(Tensor a, double c) => a.Mul(a.Const(c));
    /// <summary>c * a</summary>
    public static Tensor operator *(double c, Tensor a) => a.Const(c).Mul(a);
    /// <summary>a / c</summary>
    public static Tensor operator /(Tensor a, double c) => a.Div(a.Const(c));
    /// <summary>c / a</summary>
    public static Tensor operator /(double c, Tensor a) => a.Const(c).Div(a);
}
