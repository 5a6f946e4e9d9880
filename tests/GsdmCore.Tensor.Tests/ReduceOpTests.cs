using FsCheck.Fluent;
using GsdmCore.TensorTests.OpTable;

namespace GsdmCore.TensorTests;

public class ReduceOpTests
{
    public static TheoryData<string, DType, ViewKind> Cases => OpCheck.Matrix(ReduceOpTable.Rows.Select(r => r.Name));

    [Theory, MemberData(nameof(Cases))]
    public void Matches_the_float64_reference_over_any_axis_set(string op, DType dtype, ViewKind view)
    {
        var row = ReduceOpTable.Get(op);
        var cases = from shape in Gens.OpShape(allowZero: true)
                    from x in Gens.Spec(shape, row.Domain, Gen.Constant(view))
                    from axes in Gens.Axes(shape.Length)
                    from keepDim in Gen.Elements(true, false)
                    select (x, axes, keepDim);
        Properties.Check($"reduce/{op}/{dtype}/{view}", cases, c =>
        {
            var x = c.x.Make(dtype);
            var what = OpCheck.Describe($"{op}(axes [{string.Join(", ", c.axes)}], keepDim {c.keepDim})", dtype, x);
            var reduced = x.Reference.NormalizeAxes(c.axes);
            int group = reduced.Aggregate(1, (n, a) => n * x.Reference.Shape[a]);
            if (group < row.MinGroup)
            {
                var error = Assert.Throws<TensorShapeException>(() => row.Run(x.Tensor, c.axes, c.keepDim));
                Assert.Contains(NdArray.Format(x.Reference.Shape), error.Message);
                return;
            }
            var expected = row.Reference(x.Reference, c.axes, c.keepDim);
            TensorAssert.Close(expected, row.Run(x.Tensor, c.axes, c.keepDim), Tolerance.Accumulating(dtype, group), what, dtype);
            OpCheck.InputsUnchanged(what, x);
        });
    }

    public static TheoryData<string, DType, ViewKind> ArgCases => OpCheck.Matrix(["argmax", "argmin"]);

    /// <summary>Discrete inputs make ties common: the first extreme index must win.</summary>
    [Theory, MemberData(nameof(ArgCases))]
    public void ArgMax_and_ArgMin_return_the_first_extreme_as_I32(string op, DType dtype, ViewKind view)
    {
        var cases = from shape in Gens.OpShape(1)
                    from x in Gens.Spec(shape, Domain.Discrete, Gen.Constant(view))
                    from axis in Gens.Axis(shape.Length)
                    from keepDim in Gen.Elements(true, false)
                    select (x, axis, keepDim);
        Properties.Check($"arg/{op}/{dtype}/{view}", cases, c =>
        {
            var x = c.x.Make(dtype);
            var what = OpCheck.Describe($"{op}(axis {c.axis}, keepDim {c.keepDim})", dtype, x);
            var actual = op == "argmax" ? x.Tensor.ArgMax(c.axis, c.keepDim) : x.Tensor.ArgMin(c.axis, c.keepDim);
            var expected = op == "argmax" ? x.Reference.ArgMax(c.axis, c.keepDim) : x.Reference.ArgMin(c.axis, c.keepDim);
            TensorAssert.Close(expected, actual, Tolerance.Exact, what, DType.I32);
        });
    }

    public static TheoryData<string, DType, ViewKind> SoftmaxCases => OpCheck.Matrix(["softmax", "log_softmax"]);

    [Theory, MemberData(nameof(SoftmaxCases))]
    public void Softmax_and_LogSoftmax_match_the_reference_along_any_axis(string op, DType dtype, ViewKind view)
    {
        var cases = from shape in Gens.OpShape(1, allowZero: true)
                    from x in Gens.Spec(shape, Domain.Any, Gen.Constant(view))
                    from axis in Gens.Axis(shape.Length)
                    select (x, axis);
        Properties.Check($"softmax/{op}/{dtype}/{view}", cases, c =>
        {
            var x = c.x.Make(dtype);
            var what = OpCheck.Describe($"{op}(axis {c.axis})", dtype, x);
            var actual = op == "softmax" ? x.Tensor.Softmax(c.axis) : x.Tensor.LogSoftmax(c.axis);
            var expected = op == "softmax" ? x.Reference.Softmax(c.axis) : x.Reference.LogSoftmax(c.axis);
            int terms = x.Reference.Shape[c.axis < 0 ? c.axis + x.Reference.Rank : c.axis];
            TensorAssert.Close(expected, actual, Tolerance.Accumulating(dtype, terms), what, dtype);
            OpCheck.InputsUnchanged(what, x);
        });
    }

    [Theory, MemberData(nameof(SumToCases))]
    public void SumTo_inverts_broadcasting(DType dtype, ViewKind view)
    {
        var cases = from full in Gens.OpShape(allowZero: true)
                    from target in Gens.BroadcastPartOf(full)
                    from x in Gens.Spec(full, Domain.Any, Gen.Constant(view))
                    select (x, target);
        Properties.Check($"sum_to/{dtype}/{view}", cases, c =>
        {
            var x = c.x.Make(dtype);
            var what = OpCheck.Describe($"sum_to {NdArray.Format(c.target)}", dtype, x);
            int terms = Math.Max(1, x.Reference.Count) / Math.Max(1, NdArray.ShapeCount(c.target));
            TensorAssert.Close(x.Reference.SumTo(c.target), x.Tensor.SumTo(c.target), Tolerance.Accumulating(dtype, terms), what, dtype);
        });
    }

    public static TheoryData<DType, ViewKind> SumToCases() => OpCheck.DTypeByView();
}
