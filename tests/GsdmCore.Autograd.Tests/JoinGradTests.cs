using FsCheck.Fluent;

namespace GsdmCore.AutogradTests;

public class JoinGradTests
{
    public static TheoryData<ViewKind> Views() => new(GradAssert.Views);

    private static int Normalize(int axis, int rank) => axis < 0 ? axis + rank : axis;

    [Theory, MemberData(nameof(Views))]
    public void Concat_gradient_is_split_back_to_the_parts(ViewKind view)
    {
        var cases = from shape in GradAssert.SmallShape(minRank: 1)
                    from axis in Gens.Axis(shape.Length)
                    from lengths in Gen.Choose(1, 3).SelectMany(k => Gen.ArrayOf(Gen.Choose(0, 3), k))
                    from parts in lengths.Select(len => GradInput.Gen(shape.Select((d, i) => i == Normalize(axis, shape.Length) ? len : d).ToArray(), Domain.Any, view)).ToArray().Sequence()
                    select (parts, axis);
        Properties.Check($"grad/concat/{view}", cases, c => GradAssert.Passes($"concat(axis {c.axis})", t => Tensor.Concat(t, c.axis).Square(), c.parts), maxTest: 10);
    }

    [Theory, MemberData(nameof(Views))]
    public void Stack_gradient_is_split_back_to_the_parts(ViewKind view)
    {
        var cases = from shape in GradAssert.SmallShape()
                    from axis in Gens.Axis(shape.Length + 1)
                    from count in Gen.Choose(1, 3)
                    from parts in Enumerable.Range(0, count).Select(_ => GradInput.Gen(shape, Domain.Any, view)).ToArray().Sequence()
                    select (parts, axis);
        Properties.Check($"grad/stack/{view}", cases, c => GradAssert.Passes($"stack(axis {c.axis})", t => Tensor.Stack(t, c.axis).Square(), c.parts), maxTest: 10);
    }

    [Fact]
    public void The_same_tensor_concatenated_twice_gets_both_gradients()
    {
        var x = Tensor.Randn([2, 3], new Generator(2), DType.F64);
        GradAssert.Passes("concat(x, x)", t => Tensor.Concat([t[0], t[0].Exp()], 0).Square(), [x]);
    }
}
