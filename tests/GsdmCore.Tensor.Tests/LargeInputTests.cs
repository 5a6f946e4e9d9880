namespace GsdmCore.TensorTests;

/// <summary>
/// Inputs big enough that kernels split them into several chunks (and long rows into blocks): the chunk
/// boundaries, strided cursors started mid-tensor and partial-sum combination must still give the reference.
/// </summary>
public class LargeInputTests
{
    public static TheoryData<DType> FloatTypes() => new(OpCheck.FloatTypes);

    private static Operand Big(int[] shape, ViewKind view, DType dtype, Domain domain = Domain.Any) =>
        new InputSpec(shape, view, domain, shape.Sum() + (int)view).Make(dtype);

    [Theory, MemberData(nameof(FloatTypes))]
    public void Unary_and_binary_ops_on_strided_views(DType dtype)
    {
        var x = Big([700, 300], ViewKind.TransposedNarrowed, dtype);
        TensorAssert.Close(x.Reference.Map(Math.Tanh), x.Tensor.Tanh(), Tolerance.Elementwise(dtype), OpCheck.Describe("tanh", dtype, x));

        var column = Big([700, 1], ViewKind.Contiguous, dtype);
        var row = Big([300], ViewKind.Narrowed, dtype);
        TensorAssert.Close(x.Reference * column.Reference + row.Reference, x.Tensor * column.Tensor + row.Tensor,
            Tolerance.Elementwise(dtype), OpCheck.Describe("x * column + row", dtype, x, column, row));

        var broadcast = Big([300, 700], ViewKind.Broadcast, dtype);
        TensorAssert.Close(NdArray.Zip(x.Reference, broadcast.Reference.Permute(1, 0), Math.Max), x.Tensor.Maximum(broadcast.Tensor.MT),
            Tolerance.Elementwise(dtype), OpCheck.Describe("maximum", dtype, x, broadcast));
    }

    [Theory, MemberData(nameof(FloatTypes))]
    public void Long_reductions_split_into_blocks(DType dtype)
    {
        // Rows of 100k (over twice the 32k block) with fewer than four of them take the blocked path.
        var x = Big([3, 100_000], ViewKind.Narrowed, dtype);
        TensorAssert.Close(x.Reference.Sum([1]), x.Tensor.Sum(1), Tolerance.Accumulating(dtype, 100_000), OpCheck.Describe("sum(1)", dtype, x));
        TensorAssert.Close(x.Reference.Max([1]), x.Tensor.Max(1), Tolerance.Exact, OpCheck.Describe("max(1)", dtype, x));
        TensorAssert.Close(x.Reference.Min(), x.Tensor.Min(), Tolerance.Exact, OpCheck.Describe("min()", dtype, x));
        TensorAssert.Close(x.Reference.Mean(), x.Tensor.Mean(), Tolerance.Accumulating(dtype, 300_000), OpCheck.Describe("mean()", dtype, x));

        var t = Big([500, 600], ViewKind.Transposed, dtype);
        TensorAssert.Close(t.Reference.Sum([0]), t.Tensor.Sum(0), Tolerance.Accumulating(dtype, 500), OpCheck.Describe("sum(0)", dtype, t));
        TensorAssert.Close(t.Reference.ArgMax(1, false), t.Tensor.ArgMax(1), Tolerance.Exact, OpCheck.Describe("argmax(1)", dtype, t));
    }

    [Theory, MemberData(nameof(FloatTypes))]
    public void Sums_over_leading_axes_keeping_a_unit_stride_axis(DType dtype)
    {
        // The gradients of broadcasts: a bias [C] from [B*N, C], a per-sample [B, 1, C] and a per-node [1, N, C] from
        // [B, N, C]; kept axes longer than one vector block, odd widths (vector tails), stride-0 reduced axes and two
        // reduced axes that do not merge.
        foreach (var view in new[] { ViewKind.Contiguous, ViewKind.Narrowed, ViewKind.Broadcast })
        {
            var rows = Big([2592, 131], view, dtype);
            TensorAssert.Close(rows.Reference.Sum([0]), rows.Tensor.Sum(0), Tolerance.Accumulating(dtype, 2592), OpCheck.Describe("sum(0)", dtype, rows));
            var x = Big([32, 81, 600], view, dtype);
            TensorAssert.Close(x.Reference.Sum([0, 1], keepDim: true), x.Tensor.Sum([0, 1], keepDim: true), Tolerance.Accumulating(dtype, 2592), OpCheck.Describe("sum(0, 1)", dtype, x));
            TensorAssert.Close(x.Reference.Sum([1], keepDim: true), x.Tensor.Sum([1], keepDim: true), Tolerance.Accumulating(dtype, 81), OpCheck.Describe("sum(1)", dtype, x));
            TensorAssert.Close(x.Reference.Sum([0]), x.Tensor.Sum(0), Tolerance.Accumulating(dtype, 32), OpCheck.Describe("sum(0)", dtype, x));
            var y = Big([7, 5, 9, 37], view, dtype);
            TensorAssert.Close(y.Reference.Sum([0, 2]), y.Tensor.Sum([0, 2]), Tolerance.Accumulating(dtype, 63), OpCheck.Describe("sum(0, 2)", dtype, y));
        }
    }

    [Theory, MemberData(nameof(FloatTypes))]
    public void Softmax_over_many_rows_of_a_strided_view(DType dtype)
    {
        var x = Big([2000, 40], ViewKind.Transposed, dtype);
        TensorAssert.Close(x.Reference.Softmax(1), x.Tensor.Softmax(1), Tolerance.Accumulating(dtype, 40), OpCheck.Describe("softmax(1)", dtype, x));
        TensorAssert.Close(x.Reference.LogSoftmax(0), x.Tensor.LogSoftmax(0), Tolerance.Accumulating(dtype, 2000), OpCheck.Describe("log_softmax(0)", dtype, x));
    }

    [Theory, MemberData(nameof(FloatTypes))]
    public void Index_ops_over_many_column_chunks(DType dtype)
    {
        var rng = new Random(5);
        var rows = Enumerable.Range(0, 900).Select(_ => rng.Next(40)).ToArray();
        var source = Big([900, 300], ViewKind.Narrowed, dtype);
        var target = Big([40, 300], ViewKind.Transposed, dtype);
        var index = TensorBuilder.FromValues(rows.Select(v => (double)v).ToArray(), [900], DType.I32);
        TensorAssert.Close(target.Reference.IndexAdd(0, rows, source.Reference), target.Tensor.IndexAdd(0, index, source.Tensor),
            Tolerance.Accumulating(dtype, 60), OpCheck.Describe("index_add(0)", dtype, target, source));
        TensorAssert.Close(source.Reference.IndexSelect(1, rows), source.Tensor.IndexSelect(1, index), Tolerance.Exact,
            OpCheck.Describe("index_select(1)", dtype, source));

        var block = new IndexSpec([900, 300], Enumerable.Range(0, 900 * 300).Select(_ => rng.Next(40)).ToArray(), ViewKind.Transposed, 3);
        TensorAssert.Close(target.Reference.ScatterAdd(0, block.Reference, source.Reference), target.Tensor.ScatterAdd(0, block.Make(), source.Tensor),
            Tolerance.Accumulating(dtype, 60), OpCheck.Describe("scatter_add(0)", dtype, target, source));
        TensorAssert.Close(target.Reference.Gather(0, block.Reference), target.Tensor.Gather(0, block.Make()), Tolerance.Exact,
            OpCheck.Describe("gather(0)", dtype, target));
    }
}
