namespace GsdmCore.TensorTests.OpTable;

/// <summary>One elementwise one-input op: the engine call, its float64 definition and its input domain.</summary>
public sealed record UnaryOpRow(string Name, Func<Tensor, Tensor> Run, Func<double, double> Reference, Domain Domain = Domain.Any);

public static class UnaryOpTable
{
    public static readonly UnaryOpRow[] Rows =
    [
        new("neg", x => x.Neg(), x => -x),
        new("neg_operator", x => -x, x => -x),
        new("abs", x => x.Abs(), Math.Abs, Domain.Discrete),
        new("exp", x => x.Exp(), Math.Exp),
        new("log", x => x.Log(), Math.Log, Domain.Positive),
        new("sqrt", x => x.Sqrt(), Math.Sqrt, Domain.Positive),
        new("rsqrt", x => x.Rsqrt(), Scalars.Rsqrt, Domain.Positive),
        new("square", x => x.Square(), x => x * x),
        new("tanh", x => x.Tanh(), Math.Tanh),
        new("sigmoid", x => x.Sigmoid(), Scalars.Sigmoid),
        new("silu", x => x.Silu(), Scalars.Silu),
        new("silu_derivative", x => x.SiluDerivative(), Scalars.SiluDerivative),
        new("relu", x => x.Relu(), Scalars.Relu),
        new("relu_ties", x => x.Relu(), Scalars.Relu, Domain.Discrete),
        new("sin", x => x.Sin(), Math.Sin),
        new("cos", x => x.Cos(), Math.Cos),
        new("sign", x => x.Sign(), Scalars.Sign, Domain.Discrete),
        new("sign_continuous", x => x.Sign(), Scalars.Sign),
        new("clamp", x => x.Clamp(-1, 1.5), x => Scalars.Clamp(x, -1, 1.5)),
        new("clamp_bounds", x => x.Clamp(-1, 1), x => Scalars.Clamp(x, -1, 1), Domain.Discrete),
        new("add_scalar", x => x + 2.5, x => x + 2.5),
        new("scalar_add", x => 2.5 + x, x => 2.5 + x),
        new("sub_scalar", x => x - 1.25, x => x - 1.25),
        new("scalar_sub", x => 1.25 - x, x => 1.25 - x),
        new("mul_scalar", x => x * 3.0, x => x * 3.0),
        new("scalar_mul", x => -0.5 * x, x => -0.5 * x),
        new("div_scalar", x => x / 4.0, x => x / 4.0),
        new("scalar_div", x => 2.0 / x, x => 2.0 / x, Domain.NonZero),
        new("pow_scalar_int", x => x.Pow(3.0), x => Math.Pow(x, 3.0)),
        new("pow_scalar_frac", x => x.Pow(0.5), x => Math.Pow(x, 0.5), Domain.Positive),
        new("eq_scalar", x => x.Eq(1.0), x => Scalars.Bool(x == 1.0), Domain.Discrete),
        new("lt_scalar", x => x.Lt(0.0), x => Scalars.Bool(x < 0.0), Domain.Discrete),
        new("gt_scalar", x => x.Gt(0.0), x => Scalars.Bool(x > 0.0), Domain.Discrete),
    ];

    public static UnaryOpRow Get(string name) => Rows.Single(r => r.Name == name);
}
