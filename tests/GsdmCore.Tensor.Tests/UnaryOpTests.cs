using FsCheck.Fluent;
using GsdmCore.TensorTests.OpTable;

namespace GsdmCore.TensorTests;

public class UnaryOpTests
{
    public static TheoryData<string, DType, ViewKind> Cases => OpCheck.Matrix(UnaryOpTable.Rows.Select(r => r.Name));

    [Theory, MemberData(nameof(Cases))]
    public void Matches_the_float64_reference(string op, DType dtype, ViewKind view)
    {
        var row = UnaryOpTable.Get(op);
        var cases = from shape in Gens.OpShape(allowZero: true)
                    from x in Gens.Spec(shape, row.Domain, Gen.Constant(view))
                    select x;
        Properties.Check($"unary/{op}/{dtype}/{view}", cases, spec =>
        {
            var x = spec.Make(dtype);
            var what = OpCheck.Describe(op, dtype, x);
            TensorAssert.Close(x.Reference.Map(row.Reference), row.Run(x.Tensor), Tolerance.Elementwise(dtype), what, dtype);
            OpCheck.InputsUnchanged(what, x);
        });
    }
}
