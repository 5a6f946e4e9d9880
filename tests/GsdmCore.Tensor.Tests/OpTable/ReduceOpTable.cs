namespace GsdmCore.TensorTests.OpTable;

/// <summary>
/// One reduction over a set of axes. Groups of fewer than <see cref="MinGroup"/> elements must raise a
/// TensorShapeException (max of nothing; variance with no degrees of freedom).
/// </summary>
public sealed record ReduceOpRow(string Name, Func<Tensor, int[], bool, Tensor> Run, Func<NdArray, int[], bool, NdArray> Reference,
    Domain Domain = Domain.Any, int MinGroup = 1);

public static class ReduceOpTable
{
    public static readonly ReduceOpRow[] Rows =
    [
        new("sum", (x, ax, k) => x.Sum(ax, k), (x, ax, k) => x.Sum(ax, k), MinGroup: 0),
        new("mean", (x, ax, k) => x.Mean(ax, k), (x, ax, k) => x.Mean(ax, k), MinGroup: 0),
        new("var", (x, ax, k) => x.Var(ax, k), (x, ax, k) => x.Var(ax, k, 1), MinGroup: 2),
        new("var_population", (x, ax, k) => x.Var(ax, k, correction: 0), (x, ax, k) => x.Var(ax, k, 0)),
        new("max", (x, ax, k) => x.Max(ax, k), (x, ax, k) => x.Max(ax, k)),
        new("max_ties", (x, ax, k) => x.Max(ax, k), (x, ax, k) => x.Max(ax, k), Domain.Discrete),
        new("min", (x, ax, k) => x.Min(ax, k), (x, ax, k) => x.Min(ax, k)),
        new("min_ties", (x, ax, k) => x.Min(ax, k), (x, ax, k) => x.Min(ax, k), Domain.Discrete),
        new("logsumexp", (x, ax, k) => x.LogSumExp(ax, k), (x, ax, k) => x.LogSumExp(ax, k)),
    ];

    public static ReduceOpRow Get(string name) => Rows.Single(r => r.Name == name);
}
