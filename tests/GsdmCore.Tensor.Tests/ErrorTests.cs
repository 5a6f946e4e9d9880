using GsdmCore.TensorTests.OpTable;

namespace GsdmCore.TensorTests;

/// <summary>Bad input raises a typed TensorException whose message names the op and the shapes involved.</summary>
public class ErrorTests
{
    private static Tensor T(params int[] shape) => Tensor.Zeros(shape);

    private static TException Raises<TException>(Action act, string op, params string[] mentions) where TException : TensorException
    {
        var error = Assert.Throws<TException>(act);
        Assert.Equal(op, error.Op);
        Assert.StartsWith(op + ":", error.Message);
        foreach (var text in mentions) Assert.Contains(text, error.Message);
        return error;
    }

    public static TheoryData<string> BinaryOps() => new(BinaryOpTable.Rows.Select(r => r.Name));

    [Theory, MemberData(nameof(BinaryOps))]
    public void Broadcast_mismatch_names_the_op_and_both_shapes(string name)
    {
        var row = BinaryOpTable.Get(name);
        string op = name.Split('_')[0];
        Raises<TensorShapeException>(() => row.Run(T(3, 4), T(2, 4)), op, "[3, 4]", "[2, 4]");
        Raises<TensorShapeException>(() => row.Run(T(5, 1, 3), T(2, 4)), op, "[5, 1, 3]", "[2, 4]");
    }

    [Fact]
    public void Where_mismatch_names_the_shapes()
    {
        Raises<TensorShapeException>(() => Tensor.Where(T(3, 1), T(3, 4), T(2, 4)), "where", "[2, 4]");
    }

    [Fact]
    public void Expand_to_an_incompatible_shape()
    {
        Raises<TensorShapeException>(() => T(3).Expand(4), "expand", "[3]", "[4]");
        Raises<TensorShapeException>(() => T(2, 3).Expand(3), "expand", "[2, 3]", "[3]");
    }

    [Fact]
    public void Matmul_inner_mismatch_names_both_shapes()
    {
        Raises<TensorShapeException>(() => T(2, 3).Matmul(T(4, 5)), "matmul", "[2, 3]", "[4, 5]");
        Raises<TensorShapeException>(() => T(7, 2, 3).Matmul(T(3, 3, 5)), "matmul", "[7, 2, 3]", "[3, 3, 5]");
        Raises<TensorShapeException>(() => T(3).Matmul(T(3, 2)), "matmul", "[3]", "[3, 2]");
    }

    public static TheoryData<string> AxisOps() => new(AxisCalls.Keys);

    private static readonly Dictionary<string, Action<Tensor>> AxisCalls = new()
    {
        ["sum"] = t => t.Sum(2),
        ["mean"] = t => t.Mean(-3),
        ["var"] = t => t.Var(5),
        ["max"] = t => t.Max(2),
        ["min"] = t => t.Min(2),
        ["argmax"] = t => t.ArgMax(2),
        ["argmin"] = t => t.ArgMin(-3),
        ["logsumexp"] = t => t.LogSumExp(2),
        ["softmax"] = t => t.Softmax(2),
        ["log_softmax"] = t => t.LogSoftmax(-3),
        ["transpose"] = t => t.Transpose(0, 2),
        ["narrow"] = t => t.Narrow(2, 0, 1),
        ["select"] = t => t.Select(2, 0),
        ["squeeze"] = t => t.Squeeze(2),
        ["unsqueeze"] = t => t.Unsqueeze(4),
        ["permute"] = t => t.Permute(0, 2),
        ["index_select"] = t => t.IndexSelect(2, Tensor.FromArray([0])),
        ["gather"] = t => t.Gather(2, Tensor.FromArray([0, 0], [1, 2])),
        ["split"] = t => t.Split(1, 2),
        ["concat"] = t => Tensor.Concat([t, t], 2),
        ["stack"] = t => Tensor.Stack([t, t], 4),
    };

    [Theory, MemberData(nameof(AxisOps))]
    public void An_axis_out_of_range_raises_a_shape_exception_naming_the_op(string op)
    {
        Raises<TensorShapeException>(() => AxisCalls[op](T(2, 3)), op);
    }

    [Fact]
    public void Repeated_or_bad_axes()
    {
        Raises<TensorShapeException>(() => T(2, 3).Sum([1, -1]), "sum");
        Raises<TensorShapeException>(() => T(2, 3).Permute(0, 0), "permute");
        Raises<TensorShapeException>(() => T(2, 3).Narrow(1, 2, 2), "narrow", "[2, 3]");
        Raises<TensorShapeException>(() => T(2, 3).Squeeze(1), "squeeze", "[2, 3]");
    }

    [Fact]
    public void Bad_reshape_names_both_shapes()
    {
        Raises<TensorShapeException>(() => T(2, 3).Reshape(4, 2), "reshape", "[2, 3]", "[4, 2]");
        Raises<TensorShapeException>(() => T(2, 3).Reshape(-1, -1), "reshape");
        Raises<TensorShapeException>(() => T(2, 3).Reshape(4, -1), "reshape", "[4, -1]");
        Raises<TensorShapeException>(() => T(2, 3).MT.Reshape(5), "reshape", "[3, 2]", "[5]");
        Raises<TensorShapeException>(() => Tensor.FromArray([1f, 2f, 3f], [2, 2]), "from_array", "[2, 2]");
        Raises<TensorShapeException>(() => Tensor.Zeros([2, -1]), "full", "[2, -1]");
    }

    [Fact]
    public void Index_out_of_range_is_a_tensor_index_exception()
    {
        var x = Tensor.Randn([3, 4], new Generator(1));
        Raises<TensorIndexException>(() => x.IndexSelect(0, Tensor.FromArray([0, 3])), "index_select", "3");
        Raises<TensorIndexException>(() => x.IndexSelect(1, Tensor.FromArray([-1])), "index_select", "-1");
        Raises<TensorIndexException>(() => x.IndexAdd(0, Tensor.FromArray([5]), T(1, 4)), "index_add", "5");
        Raises<TensorIndexException>(() => x.Gather(1, Tensor.FromArray([0, 4, 1], [1, 3])), "gather", "4");
        Raises<TensorIndexException>(() => x.Gather(0, Tensor.FromArray([-2], [1, 1])), "gather", "-2");
        Raises<TensorIndexException>(() => x.ScatterAdd(0, Tensor.FromArray([0, 1, 2, 3], [1, 4]), T(1, 4)), "scatter_add", "3");
        Raises<TensorIndexException>(() => Tensor.OneHot(Tensor.FromArray([0, 2]), 2), "one_hot", "2");
        Raises<TensorIndexException>(() => _ = x[3, 0], "index");
        Raises<TensorIndexException>(() => _ = x[0, -5], "index");
    }

    [Fact]
    public void Index_shape_errors()
    {
        var x = T(3, 4);
        Raises<TensorShapeException>(() => x.IndexSelect(0, Tensor.FromArray([0, 1], [1, 2])), "index_select", "[1, 2]");
        Raises<TensorShapeException>(() => x.IndexAdd(0, Tensor.FromArray([0]), T(2, 4)), "index_add", "[2, 4]");
        Raises<TensorShapeException>(() => x.Gather(0, Tensor.FromArray([0, 0, 0, 0, 0], [1, 5])), "gather", "[1, 5]", "[3, 4]");
        Raises<TensorShapeException>(() => x.ScatterAdd(0, Tensor.FromArray([0, 0], [1, 2]), T(1, 2)), "scatter_add", "[1, 2]");
    }

    [Fact]
    public void Wrong_dtype_is_a_dtype_exception()
    {
        var ints = Tensor.FromArray([1, 2, 3]);
        Raises<TensorDTypeException>(() => ints.Exp(), "exp", "I32");
        Raises<TensorDTypeException>(() => ints.Sum(), "sum", "I32");
        Raises<TensorDTypeException>(() => ints.Add(ints), "add", "I32");
        Raises<TensorDTypeException>(() => ints.Softmax(0), "softmax");
        Raises<TensorDTypeException>(() => T(3).Add(Tensor.Zeros([3], DType.F64)), "add", "F32", "F64");
        Raises<TensorDTypeException>(() => T(3, 3).Matmul(Tensor.Zeros([3, 3], DType.F64)), "matmul");
        Raises<TensorDTypeException>(() => T(3).IndexSelect(0, Tensor.Zeros([1])), "index_select", "F32");
        Raises<TensorDTypeException>(() => Tensor.Randn([2], new Generator(1), DType.I32), "random");
        Raises<TensorDTypeException>(() => Tensor.OneHot(Tensor.FromArray([0]), 2, DType.I32), "one_hot");
    }

    [Fact]
    public void Concat_mismatch_names_both_shapes()
    {
        Raises<TensorShapeException>(() => Tensor.Concat([T(2, 3), T(2, 4)], 0), "concat", "[2, 3]", "[2, 4]");
        Raises<TensorShapeException>(() => Tensor.Concat([T(2, 3), T(2, 3, 1)], 1), "concat", "[2, 3, 1]");
        Raises<TensorShapeException>(() => Tensor.Concat([], 0), "concat");
        Raises<TensorDTypeException>(() => Tensor.Concat([T(2), Tensor.Zeros([2], DType.F64)], 0), "concat");
        Raises<TensorShapeException>(() => Tensor.Stack([T(2, 3), T(3, 2)]), "stack", "[2, 3]", "[3, 2]");
        Raises<TensorShapeException>(() => T(5).Split([2, 2]), "split", "5");
    }

    [Fact]
    public void Other_invalid_arguments()
    {
        Raises<TensorShapeException>(() => T(2, 3).Item(), "item", "[2, 3]");
        Raises<TensorShapeException>(() => T(3).Clamp(1, 0), "clamp");
        Raises<TensorShapeException>(() => T(1).Var(), "var", "[1]");
        Raises<TensorShapeException>(() => T(2, 0).Max(1), "max", "[2, 0]");
        Raises<TensorShapeException>(() => T(3).MT.Sum(), "mT", "[3]");
    }

    [Fact]
    public void Every_error_is_a_tensor_exception_never_a_raw_runtime_one()
    {
        Action[] misuses =
        [
            () => T(3, 4).Add(T(2, 4)),
            () => T(3).IndexSelect(0, Tensor.FromArray([7])),
            () => T(3).Gather(0, Tensor.FromArray([int.MaxValue])),
            () => T(3).Gather(0, Tensor.FromArray([int.MinValue])),
            () => T(2, 2).ScatterAdd(1, Tensor.FromArray([0, 9, 0, 0], [2, 2]), T(2, 2)),
            () => _ = T(2)[2],
            () => _ = T(2)[0, 0],
        ];
        foreach (var misuse in misuses)
        {
            var error = Record.Exception(misuse);
            Assert.IsAssignableFrom<TensorException>(error);
        }
    }
}
