using FsCheck.Fluent;

namespace GsdmCore.AutogradTests;

public class IndexGradTests
{
    public static TheoryData<ViewKind> Views() => new(GradAssert.Views);

    private static int Normalize(int axis, int rank) => axis < 0 ? axis + rank : axis;

    /// <summary>Repeated indices: the gradient of a row picked twice is the sum of both uses.</summary>
    [Theory, MemberData(nameof(Views))]
    public void IndexSelect_gradient_accumulates_repeats(ViewKind view)
    {
        var cases = from shape in GradAssert.SmallShape(minRank: 1)
                    from axis in Gens.Axis(shape.Length)
                    from count in Gen.Choose(0, 5)
                    from index in IndexSpec.Gen([count], shape[Normalize(axis, shape.Length)])
                    from x in GradInput.Gen(shape, Domain.Any, view)
                    select (x, axis, index);
        Properties.Check($"grad/index_select/{view}", cases, c =>
        {
            var index = c.index.Make();
            GradAssert.Passes($"index_select(axis {c.axis}, {c.index})", t => t[0].IndexSelect(c.axis, index).Square(), c.x);
        }, maxTest: 10);
    }

    [Theory, MemberData(nameof(Views))]
    public void IndexAdd_gradient_reaches_both_inputs(ViewKind view)
    {
        var cases = from shape in GradAssert.SmallShape(minRank: 1)
                    from axis in Gens.Axis(shape.Length)
                    let a = Normalize(axis, shape.Length)
                    from count in Gen.Choose(0, 5)
                    from index in IndexSpec.Gen([count], shape[a])
                    from x in GradInput.Gen(shape, Domain.Any, view)
                    from sourceView in Gens.View
                    from source in GradInput.Gen(shape.Select((d, i) => i == a ? count : d).ToArray(), Domain.Any, sourceView)
                    select (x, axis, index, source);
        Properties.Check($"grad/index_add/{view}", cases, c =>
        {
            var index = c.index.Make();
            GradAssert.Passes($"index_add(axis {c.axis}, {c.index})", t => t[0].IndexAdd(c.axis, index, t[1]).Square(), c.x, c.source);
        }, maxTest: 10);
    }

    [Theory, MemberData(nameof(Views))]
    public void Gather_gradient_scatters_back(ViewKind view)
    {
        var cases = from shape in GradAssert.SmallShape(minRank: 1)
                    from axis in Gens.Axis(shape.Length)
                    let a = Normalize(axis, shape.Length)
                    from indexShape in shape.Select((d, i) => i == a ? Gen.Choose(0, 4) : Gen.Choose(1, d)).ToArray().Sequence()
                    from index in IndexSpec.Gen(indexShape, shape[a])
                    from x in GradInput.Gen(shape, Domain.Any, view)
                    select (x, axis, index);
        Properties.Check($"grad/gather/{view}", cases, c =>
        {
            var index = c.index.Make();
            GradAssert.Passes($"gather(axis {c.axis}, {c.index})", t => t[0].Gather(c.axis, index).Square(), c.x);
        }, maxTest: 10);
    }

    [Theory, MemberData(nameof(Views))]
    public void ScatterAdd_gradient_reaches_both_inputs(ViewKind view)
    {
        var cases = from shape in GradAssert.SmallShape(minRank: 1)
                    from axis in Gens.Axis(shape.Length)
                    let a = Normalize(axis, shape.Length)
                    from m in Gen.Choose(0, 4)
                    let indexShape = shape.Select((d, i) => i == a ? m : d).ToArray()
                    from index in IndexSpec.Gen(indexShape, shape[a])
                    from x in GradInput.Gen(shape, Domain.Any, view)
                    from sourceView in Gens.View
                    from source in GradInput.Gen(indexShape, Domain.Any, sourceView)
                    select (x, axis, index, source);
        Properties.Check($"grad/scatter_add/{view}", cases, c =>
        {
            var index = c.index.Make();
            GradAssert.Passes($"scatter_add(axis {c.axis}, {c.index})", t => t[0].ScatterAdd(c.axis, index, t[1]).Square(), c.x, c.source);
        }, maxTest: 10);
    }
}
