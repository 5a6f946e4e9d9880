namespace GsdmCore.TensorTests.OpTable;

/// <summary>One broadcasting two-input op with its float64 definition and the domain of each input.</summary>
public sealed record BinaryOpRow(string Name, Func<Tensor, Tensor, Tensor> Run, Func<double, double, double> Reference,
    Domain DomainA = Domain.Any, Domain DomainB = Domain.Any);

public static class BinaryOpTable
{
    public static readonly BinaryOpRow[] Rows =
    [
        new("add", (a, b) => a.Add(b), (a, b) => a + b),
        new("add_operator", (a, b) => a + b, (a, b) => a + b),
        new("sub", (a, b) => a.Sub(b), (a, b) => a - b),
        new("sub_operator", (a, b) => a - b, (a, b) => a - b),
        new("mul", (a, b) => a.Mul(b), (a, b) => a * b),
        new("mul_operator", (a, b) => a * b, (a, b) => a * b),
        new("div", (a, b) => a.Div(b), (a, b) => a / b, Domain.Any, Domain.NonZero),
        new("div_operator", (a, b) => a / b, (a, b) => a / b, Domain.Any, Domain.NonZero),
        new("pow", (a, b) => a.Pow(b), Math.Pow, Domain.Positive, Domain.Any),
        new("maximum", (a, b) => a.Maximum(b), Math.Max),
        new("maximum_ties", (a, b) => a.Maximum(b), Math.Max, Domain.Discrete, Domain.Discrete),
        new("minimum", (a, b) => a.Minimum(b), Math.Min),
        new("minimum_ties", (a, b) => a.Minimum(b), Math.Min, Domain.Discrete, Domain.Discrete),
        new("eq", (a, b) => a.Eq(b), (a, b) => Scalars.Bool(a == b), Domain.Discrete, Domain.Discrete),
        new("ne", (a, b) => a.Ne(b), (a, b) => Scalars.Bool(a != b), Domain.Discrete, Domain.Discrete),
        new("lt", (a, b) => a.Lt(b), (a, b) => Scalars.Bool(a < b), Domain.Discrete, Domain.Discrete),
        new("le", (a, b) => a.Le(b), (a, b) => Scalars.Bool(a <= b), Domain.Discrete, Domain.Discrete),
        new("gt", (a, b) => a.Gt(b), (a, b) => Scalars.Bool(a > b), Domain.Discrete, Domain.Discrete),
        new("ge", (a, b) => a.Ge(b), (a, b) => Scalars.Bool(a >= b), Domain.Discrete, Domain.Discrete),
    ];

    public static BinaryOpRow Get(string name) => Rows.Single(r => r.Name == name);
}
