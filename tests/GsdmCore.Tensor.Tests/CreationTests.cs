namespace GsdmCore.TensorTests;

public class CreationTests
{
    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.F64)]
    [InlineData(DType.I32)]
    public void Zeros_ones_and_full_fill_every_element(DType dtype)
    {
        var zeros = Tensor.Zeros([2, 3], dtype);
        var ones = Tensor.Ones([4], dtype);
        var full = Tensor.Full([3, 1, 2], 7, dtype);
        Assert.Equal(dtype, zeros.DType);
        Assert.Equal([2, 3], zeros.Shape);
        Assert.All(zeros.ToArray<double>(), v => Assert.Equal(0.0, v));
        Assert.All(ones.ToArray<double>(), v => Assert.Equal(1.0, v));
        Assert.Equal(6, full.Count);
        Assert.All(full.ToArray<double>(), v => Assert.Equal(7.0, v));
        Assert.True(zeros.IsContiguous && zeros.IsLeaf && !zeros.RequiresGrad);
    }

    [Fact]
    public void Like_constructors_keep_shape_and_dtype()
    {
        var x = Tensor.Randn([2, 5], new Generator(1), DType.F64).MT;
        var z = x.ZerosLike();
        var o = x.OnesLike();
        Assert.Equal([5, 2], z.Shape);
        Assert.Equal(DType.F64, o.DType);
        Assert.All(o.ToArray<double>(), v => Assert.Equal(1.0, v));
    }

    [Fact]
    public void Scalar_is_rank_zero()
    {
        var s = Tensor.Scalar(2.5, DType.F64);
        Assert.Equal(0, s.Rank);
        Assert.Equal(1, s.Count);
        Assert.Equal(2.5, s.Item());
    }

    [Fact]
    public void Empty_shapes_are_allowed()
    {
        var t = Tensor.Zeros([3, 0, 2]);
        Assert.Equal(0, t.Count);
        Assert.Empty(t.ToArray());
        Assert.Equal([0, 3], t.Reshape(0, 3).Shape);
        Assert.Equal([3, 2], t.Sum(1).Shape);
        Assert.All(t.Sum(1).ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(0.0, 5.0, 1.0, new[] { 0.0, 1, 2, 3, 4 })]
    [InlineData(1.0, 2.0, 0.25, new[] { 1.0, 1.25, 1.5, 1.75 })]
    [InlineData(3.0, -1.0, -1.5, new[] { 3.0, 1.5, 0.0 })]
    [InlineData(2.0, 2.0, 1.0, new double[0])]
    [InlineData(5.0, 0.0, 1.0, new double[0])]
    public void Arange_steps_up_to_but_excluding_the_end(double start, double end, double step, double[] expected)
    {
        Assert.Equal(expected, Tensor.Arange(start, end, step, DType.F64).ToArray<double>());
    }

    [Fact]
    public void Arange_count_in_each_dtype()
    {
        Assert.Equal([0, 1, 2, 3], Tensor.Arange(4, DType.I32).ToArray<int>());
        Assert.Equal([0f, 1f, 2f], Tensor.Arange(3).ToArray());
        Assert.Throws<TensorShapeException>(() => Tensor.Arange(0, 1, 0));
    }

    [Fact]
    public void FromArray_copies_and_defaults_to_one_dimension()
    {
        var data = new[] { 1f, 2f, 3f, 4f, 5f, 6f };
        var flat = Tensor.FromArray(data);
        var matrix = Tensor.FromArray(data, [2, 3]);
        data[0] = 100;
        Assert.Equal([6], flat.Shape);
        Assert.Equal(1f, flat.ToArray()[0]);
        Assert.Equal(6.0, matrix[1, 2]);
        Assert.Equal(DType.F64, Tensor.FromArray([1.0]).DType);
        Assert.Equal(DType.I32, Tensor.FromArray([1]).DType);
    }

    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.F64)]
    public void Random_creation_has_the_requested_shape_and_dtype(DType dtype)
    {
        var g = new Generator(9);
        var u = Tensor.Rand([3, 4], g, dtype);
        var n = Tensor.Randn([2, 0, 5], g, dtype);
        Assert.Equal(dtype, u.DType);
        Assert.Equal([3, 4], u.Shape);
        Assert.Equal([2, 0, 5], n.Shape);
    }
}
