using FsCheck.Fluent;

namespace GsdmCore.AutogradTests;

public class MatmulGradTests
{
    public static TheoryData<ViewKind> Views() => new(GradAssert.Views);

    /// <summary>Batch axes broadcast, so each operand's gradient is summed over the batches it was reused in.</summary>
    [Theory, MemberData(nameof(Views))]
    public void Batched_matmul_gradient_matches_central_differences(ViewKind view)
    {
        var cases = from batch in Gens.Shape(0, 2, maxExtent: 2)
                    from dims in Gen.ArrayOf(Gen.Choose(1, 3), 3)
                    from batchA in Gens.BroadcastPartOf(batch)
                    from batchB in Gens.BroadcastPartOf(batch)
                    from a in GradInput.Gen([.. batchA, dims[0], dims[1]], Domain.Any, view)
                    from bView in Gens.View
                    from b in GradInput.Gen([.. batchB, dims[1], dims[2]], Domain.Any, bView)
                    select (a, b);
        Properties.Check($"grad/matmul/{view}", cases, c => GradAssert.Passes("matmul", t => t[0].Matmul(t[1]), c.a, c.b), maxTest: 12);
    }

    [Fact]
    public void Gradient_with_transposed_operands_and_only_one_input_tracked()
    {
        var rng = new Generator(8);
        var a = Tensor.Randn([4, 3], rng, DType.F64);
        var w = Tensor.Randn([5, 3], rng, DType.F64);
        GradAssert.Passes("x @ w.mT", t => t[0].Matmul(t[1].MT), [a, w]);
        // A constant operand: the gradient still reaches the tracked one.
        GradAssert.Passes("x @ const.mT", t => t[0].Matmul(w.MT).Tanh(), [a]);
    }
}
