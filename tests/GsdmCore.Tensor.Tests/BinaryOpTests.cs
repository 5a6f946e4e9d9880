using FsCheck.Fluent;
using GsdmCore.TensorTests.OpTable;

namespace GsdmCore.TensorTests;

public class BinaryOpTests
{
    public static TheoryData<string, DType, ViewKind> Cases => OpCheck.Matrix(BinaryOpTable.Rows.Select(r => r.Name));

    /// <summary>Both operands are drawn as broadcastable parts of one output shape; the first has the theory's view.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void Matches_the_float64_reference_with_broadcasting(string op, DType dtype, ViewKind view)
    {
        var row = BinaryOpTable.Get(op);
        var cases = from full in Gens.OpShape(allowZero: true)
                    from shapeA in Gens.BroadcastPartOf(full)
                    from shapeB in Gens.BroadcastPartOf(full)
                    from a in Gens.Spec(shapeA, row.DomainA, Gen.Constant(view))
                    from b in Gens.Spec(shapeB, row.DomainB)
                    select (a, b);
        Properties.Check($"binary/{op}/{dtype}/{view}", cases, c =>
        {
            var a = c.a.Make(dtype);
            var b = c.b.Make(dtype);
            var what = OpCheck.Describe(op, dtype, a, b);
            var expected = NdArray.Zip(a.Reference, b.Reference, row.Reference);
            TensorAssert.Close(expected, row.Run(a.Tensor, b.Tensor), Tolerance.Elementwise(dtype), what, dtype);
            OpCheck.InputsUnchanged(what, a, b);
        });
    }

    [Theory, MemberData(nameof(WhereCases))]
    public void Where_matches_the_reference_with_three_way_broadcasting(DType dtype, ViewKind view)
    {
        var cases = from full in Gens.OpShape(allowZero: true)
                    from shapeC in Gens.BroadcastPartOf(full)
                    from shapeA in Gens.BroadcastPartOf(full)
                    from shapeB in Gens.BroadcastPartOf(full)
                    from cond in Gens.Spec(shapeC, Domain.Mask, Gen.Constant(view))
                    from a in Gens.Spec(shapeA, Domain.Any)
                    from b in Gens.Spec(shapeB, Domain.Any)
                    select (cond, a, b);
        Properties.Check($"where/{dtype}/{view}", cases, c =>
        {
            var cond = c.cond.Make(dtype);
            var a = c.a.Make(dtype);
            var b = c.b.Make(dtype);
            var what = OpCheck.Describe("where", dtype, cond, a, b);
            var expected = NdArray.Where(cond.Reference, a.Reference, b.Reference);
            TensorAssert.Close(expected, Tensor.Where(cond.Tensor, a.Tensor, b.Tensor), Tolerance.Exact, what, dtype);
        });
    }

    public static TheoryData<DType, ViewKind> WhereCases() => OpCheck.DTypeByView();
}
