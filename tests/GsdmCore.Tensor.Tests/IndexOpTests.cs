using FsCheck;
using FsCheck.Fluent;

namespace GsdmCore.TensorTests;

public class IndexOpTests
{
    public static TheoryData<DType, ViewKind> Cases() => OpCheck.DTypeByView();

    private static int Normalize(int axis, int rank) => axis < 0 ? axis + rank : axis;

    [Theory, MemberData(nameof(Cases))]
    public void IndexSelect_matches_the_reference(DType dtype, ViewKind view)
    {
        var cases = from shape in Gens.OpShape(1, allowZero: true)
                    from axis in Gens.Axis(shape.Length)
                    let n = shape[Normalize(axis, shape.Length)]
                    from count in n == 0 ? Gen.Constant(0) : Gen.Choose(0, 6)
                    from index in IndexSpec.Gen([count], n)
                    from x in Gens.Spec(shape, Domain.Any, Gen.Constant(view))
                    select (x, axis, index);
        Properties.Check($"index_select/{dtype}/{view}", cases, c =>
        {
            var x = c.x.Make(dtype);
            var what = OpCheck.Describe($"index_select(axis {c.axis}, {c.index})", dtype, x);
            var expected = x.Reference.IndexSelect(Normalize(c.axis, x.Reference.Rank), c.index.Values);
            TensorAssert.Close(expected, x.Tensor.IndexSelect(c.axis, c.index.Make()), Tolerance.Exact, what, dtype);
        });
    }

    /// <summary>Repeated indices must accumulate.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void IndexAdd_matches_the_reference(DType dtype, ViewKind view)
    {
        var cases = from shape in Gens.OpShape(1, allowZero: true)
                    from axis in Gens.Axis(shape.Length)
                    let a = Normalize(axis, shape.Length)
                    from count in shape[a] == 0 ? Gen.Constant(0) : Gen.Choose(0, 8)
                    from index in IndexSpec.Gen([count], shape[a])
                    from x in Gens.Spec(shape, Domain.Any, Gen.Constant(view))
                    from source in Gens.Spec(shape.Select((d, i) => i == a ? count : d).ToArray(), Domain.Any)
                    select (x, axis, index, source);
        Properties.Check($"index_add/{dtype}/{view}", cases, c =>
        {
            var x = c.x.Make(dtype);
            var source = c.source.Make(dtype);
            var what = OpCheck.Describe($"index_add(axis {c.axis}, {c.index})", dtype, x, source);
            var expected = x.Reference.IndexAdd(Normalize(c.axis, x.Reference.Rank), c.index.Values, source.Reference);
            TensorAssert.Close(expected, x.Tensor.IndexAdd(c.axis, c.index.Make(), source.Tensor), Tolerance.Elementwise(dtype), what, dtype);
            OpCheck.InputsUnchanged(what, x, source);
        });
    }

    /// <summary>The index may be smaller than the source on the other axes and of any length along the axis.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void Gather_matches_the_reference(DType dtype, ViewKind view)
    {
        var cases = from shape in Gens.OpShape(1)
                    from axis in Gens.Axis(shape.Length)
                    let a = Normalize(axis, shape.Length)
                    from indexShape in shape.Select((d, i) => i == a ? Gen.Choose(0, 6) : Gen.Choose(1, d)).ToArray().Sequence()
                    from index in IndexSpec.Gen(indexShape, shape[a])
                    from x in Gens.Spec(shape, Domain.Any, Gen.Constant(view))
                    select (x, axis, index);
        Properties.Check($"gather/{dtype}/{view}", cases, c =>
        {
            var x = c.x.Make(dtype);
            var what = OpCheck.Describe($"gather(axis {c.axis}, {c.index})", dtype, x);
            var expected = x.Reference.Gather(Normalize(c.axis, x.Reference.Rank), c.index.Reference);
            TensorAssert.Close(expected, x.Tensor.Gather(c.axis, c.index.Make()), Tolerance.Exact, what, dtype);
        });
    }

    [Theory, MemberData(nameof(Cases))]
    public void ScatterAdd_matches_the_reference(DType dtype, ViewKind view)
    {
        var cases = from shape in Gens.OpShape(1)
                    from axis in Gens.Axis(shape.Length)
                    let a = Normalize(axis, shape.Length)
                    from m in Gen.Choose(0, 6)
                    let indexShape = shape.Select((d, i) => i == a ? m : d).ToArray()
                    from index in IndexSpec.Gen(indexShape, shape[a])
                    from x in Gens.Spec(shape, Domain.Any, Gen.Constant(view))
                    from source in Gens.Spec(indexShape, Domain.Any)
                    select (x, axis, index, source);
        Properties.Check($"scatter_add/{dtype}/{view}", cases, c =>
        {
            var x = c.x.Make(dtype);
            var source = c.source.Make(dtype);
            var what = OpCheck.Describe($"scatter_add(axis {c.axis}, {c.index})", dtype, x, source);
            var expected = x.Reference.ScatterAdd(Normalize(c.axis, x.Reference.Rank), c.index.Reference, source.Reference);
            TensorAssert.Close(expected, x.Tensor.ScatterAdd(c.axis, c.index.Make(), source.Tensor), Tolerance.Elementwise(dtype), what, dtype);
            OpCheck.InputsUnchanged(what, x, source);
        });
    }

    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.F64)]
    public void OneHot_matches_the_reference(DType dtype)
    {
        var cases = from shape in Gens.Shape(0, 3, allowZero: true)
                    from classes in Gen.Choose(1, 5)
                    from index in IndexSpec.Gen(shape, classes)
                    select (index, classes);
        Properties.Check($"one_hot/{dtype}", cases, c =>
        {
            var actual = Tensor.OneHot(c.index.Make(), c.classes, dtype);
            TensorAssert.Close(NdArray.OneHot(c.index.Reference, c.classes), actual, Tolerance.Exact, $"one_hot({c.classes}) of {c.index}", dtype);
        });
    }
}
