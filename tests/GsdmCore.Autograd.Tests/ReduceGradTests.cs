using FsCheck.Fluent;

namespace GsdmCore.AutogradTests;

public class ReduceGradTests
{
    /// <summary>Reductions over a random axis set; <c>MinGroup</c>: the fewest elements per group the op accepts.</summary>
    private static readonly Dictionary<string, (Func<Tensor, int[], bool, Tensor> Run, int MinGroup)> Ops = new()
    {
        ["sum"] = ((x, ax, k) => x.Sum(ax, k), 1),
        ["mean"] = ((x, ax, k) => x.Mean(ax, k), 1),
        ["var"] = ((x, ax, k) => x.Var(ax, k), 2),
        ["var_population"] = ((x, ax, k) => x.Var(ax, k, correction: 0), 1),
        ["max"] = ((x, ax, k) => x.Max(ax, k), 1),
        ["min"] = ((x, ax, k) => x.Min(ax, k), 1),
        ["logsumexp"] = ((x, ax, k) => x.LogSumExp(ax, k), 1),
    };

    public static TheoryData<string, ViewKind> Cases => GradAssert.Matrix(Ops.Keys);

    /// <summary>
    /// Broadcast views repeat a leaf element inside one max group: the tie splits the gradient and the
    /// shares add back up to the leaf's full derivative.
    /// </summary>
    [Theory, MemberData(nameof(Cases))]
    public void Gradient_matches_central_differences(string op, ViewKind view)
    {
        var (run, minGroup) = Ops[op];
        var cases = from shape in GradAssert.SmallShape()
                    from axes in Gens.Axes(shape.Length)
                    let reduced = axes.Length == 0 ? Enumerable.Range(0, shape.Length).ToArray() : axes.Select(a => a < 0 ? a + shape.Length : a).ToArray()
                    where reduced.Aggregate(1, (n, a) => n * shape[a]) >= minGroup
                    from keepDim in Gen.Elements(true, false)
                    from x in GradInput.Gen(shape, Domain.Any, view)
                    select (x, axes, keepDim);
        Properties.Check($"grad/reduce/{op}/{view}", cases,
            c => GradAssert.Passes($"{op}(axes [{string.Join(", ", c.axes)}], keepDim {c.keepDim})", t => run(t[0], c.axes, c.keepDim), c.x),
            maxTest: 10);
    }

    public static TheoryData<string, ViewKind> SoftmaxCases => GradAssert.Matrix(["softmax", "log_softmax"]);

    [Theory, MemberData(nameof(SoftmaxCases))]
    public void Softmax_gradients_match_central_differences(string op, ViewKind view)
    {
        var cases = from shape in GradAssert.SmallShape(minRank: 1)
                    from axis in Gens.Axis(shape.Length)
                    from x in GradInput.Gen(shape, Domain.Any, view)
                    select (x, axis);
        Properties.Check($"grad/{op}/{view}", cases, c => GradAssert.Passes($"{op}(axis {c.axis})",
            t => op == "softmax" ? t[0].Softmax(c.axis) : t[0].LogSoftmax(c.axis), c.x), maxTest: 10);
    }

    [Theory, MemberData(nameof(Views))]
    public void SumTo_gradient_matches_central_differences(ViewKind view)
    {
        var cases = from full in GradAssert.SmallShape()
                    from target in Gens.BroadcastPartOf(full)
                    from x in GradInput.Gen(full, Domain.Any, view)
                    select (x, target);
        Properties.Check($"grad/sum_to/{view}", cases, c => GradAssert.Passes($"sum_to {NdArray.Format(c.target)}", t => t[0].SumTo(c.target), c.x), maxTest: 10);
    }

    public static TheoryData<ViewKind> Views() => new(GradAssert.Views);
}
