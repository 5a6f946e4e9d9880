namespace GsdmCore.TensorTests;

/// <summary>Infinities, NaN and huge inputs: results follow IEEE arithmetic and the shifted forms never overflow.</summary>
public class SpecialValueTests
{
    private const double Inf = double.PositiveInfinity;
    private const double NaN = double.NaN;

    public static TheoryData<DType> FloatTypes() => new(OpCheck.FloatTypes);

    /// <summary>Compares the values in row-major order (a reduction's rank-0 result as one value).</summary>
    private static void Expect(double[] expected, Tensor actual, string what, double tolerance = 1e-6) =>
        TensorAssert.Close(new NdArray([expected.Length], expected), actual.Flatten(), new Tolerance(tolerance, tolerance), what);

    private static Tensor V(DType dtype, params double[] values) => TensorBuilder.FromValues(values, [values.Length], dtype);

    [Theory, MemberData(nameof(FloatTypes))]
    public void Unary_ops_at_the_edges_of_their_domain(DType dtype)
    {
        Expect([0, Inf, NaN, Inf, 1], V(dtype, -Inf, Inf, NaN, 1000, 0).Exp(), "exp");
        Expect([-Inf, NaN, Inf, 0], V(dtype, 0, -1, Inf, 1).Log(), "log");
        Expect([NaN, 0, Inf], V(dtype, -1, 0, Inf).Sqrt(), "sqrt");
        Expect([Inf, 0, 0.5], V(dtype, 0, Inf, 4).Rsqrt(), "rsqrt");
        Expect([0, 1, 0, 1, 0.5, NaN], V(dtype, -Inf, Inf, -1000, 1000, 0, NaN).Sigmoid(), "sigmoid");
        Expect([-1, 1, 1, -1, NaN], V(dtype, -Inf, Inf, 50, -50, NaN).Tanh(), "tanh");
        Expect([0, Inf, 0, 1000, NaN], V(dtype, -Inf, Inf, -1000, 1000, NaN).Relu(), "relu");
        Expect([0, 1000], V(dtype, -1000, 1000).Silu(), "silu");
        Expect([Inf, Inf, 0, NaN], V(dtype, -Inf, Inf, 0, NaN).Abs(), "abs");
        Expect([-1, 1, 0, NaN], V(dtype, -Inf, Inf, 0, NaN).Sign(), "sign");
        Expect([-1, 1, NaN], V(dtype, -Inf, Inf, NaN).Clamp(-1, 1), "clamp");
    }

    [Theory, MemberData(nameof(FloatTypes))]
    public void Binary_ops_follow_IEEE_and_propagate_NaN(DType dtype)
    {
        var a = V(dtype, 1, 0, -1, NaN, 2, Inf);
        var b = V(dtype, 0, 0, 0, 1, NaN, -Inf);
        Expect([Inf, NaN, -Inf, NaN, NaN, NaN], a / b, "div");
        Expect([1, 0, 0, NaN, NaN, Inf], a.Maximum(b), "maximum");
        Expect([0, 0, -1, NaN, NaN, -Inf], a.Minimum(b), "minimum");
        Expect([1, 0, 0, 0, 0, 1], a.Gt(b), "gt");
        Expect([1, 1, 1, 0, 1, 1], a.Eq(a), "NaN is not equal to itself");
        Expect([0, 0, 0, 1, 0, 0], a.Ne(a), "NaN is unequal to itself");
        Expect([1, 0, 1, 1], V(dtype, 0, 2, -8, 5).Pow(V(dtype, 0, -Inf, 0, 0)), "pow at 0 and -inf exponents");
        Expect([NaN], V(dtype, -8).Pow(V(dtype, 1.0 / 3)), "pow of a negative base to a fraction");
    }

    [Theory, MemberData(nameof(FloatTypes))]
    public void Reductions_with_infinities_and_NaN(DType dtype)
    {
        Expect([Inf], V(dtype, Inf, 1, 2).Sum(), "sum with inf");
        Expect([NaN], V(dtype, Inf, -Inf).Sum(), "inf - inf");
        Expect([NaN], V(dtype, 1, NaN, 3).Max(), "max with NaN");
        Expect([NaN], V(dtype, 1, NaN, 3).Min(), "min with NaN");
        Expect([-Inf], V(dtype, -Inf, -Inf).Max(), "max of -inf");
    }

    [Theory, MemberData(nameof(FloatTypes))]
    public void Softmax_and_logsumexp_shift_by_the_maximum(DType dtype)
    {
        Expect([0.5, 0.5], V(dtype, 1000, 1000).Softmax(0), "softmax of huge equal logits");
        Expect([0, 1], V(dtype, -Inf, 0).Softmax(0), "softmax with a -inf logit");
        Expect([0, -1000], V(dtype, 1000, 0).LogSoftmax(0), "log_softmax of huge logits", 1e-4);
        Expect([1000 + Math.Log(2)], V(dtype, 1000, 1000).LogSumExp(), "logsumexp of huge values", 1e-4);
        Expect([-Inf], V(dtype, -Inf, -Inf).LogSumExp(), "logsumexp of an all -inf row");
        Expect([0], V(dtype, -Inf, 0).LogSumExp(), "logsumexp with one -inf");
        Expect([-1000 + Math.Log(2)], V(dtype, -1000, -1000).LogSumExp(), "logsumexp of very negative values", 1e-4);
    }

    [Fact]
    public void Float32_overflow_and_underflow_happen_in_float32()
    {
        Expect([Inf], V(DType.F32, 89).Exp(), "exp(89) overflows float");
        Expect([Inf], V(DType.F32, 2e19).Square(), "square overflows float");
        Assert.True(double.IsFinite(V(DType.F64, 89).Exp().Item()));
    }
}
