using FsCheck.Fluent;

namespace GsdmCore.TensorTests;

public class ViewTests
{
    /// <summary>A view op and the same op on the reference, applied to a contiguous [2, 3, 4] tensor (or a [2, 1, 4] one).</summary>
    private sealed record ViewRow(Func<Tensor, Tensor> Run, Func<NdArray, NdArray> Reference, bool SingletonMiddle = false);

    private static readonly Dictionary<string, ViewRow> ViewOps = new()
    {
        ["reshape"] = new(t => t.Reshape(6, 4), r => r.Reshape(6, 4)),
        ["reshape_infer"] = new(t => t.Reshape(4, -1), r => r.Reshape(4, 6)),
        ["flatten"] = new(t => t.Flatten(), r => r.Reshape(24)),
        ["permute"] = new(t => t.Permute(2, 0, 1), r => r.Permute(2, 0, 1)),
        ["permute_negative"] = new(t => t.Permute(-1, 0, -2), r => r.Permute(2, 0, 1)),
        ["transpose"] = new(t => t.Transpose(0, 2), r => r.Permute(2, 1, 0)),
        ["mT"] = new(t => t.MT, r => r.Permute(0, 2, 1)),
        ["narrow"] = new(t => t.Narrow(1, 1, 2), r => r.Narrow(1, 1, 2)),
        ["narrow_negative_start"] = new(t => t.Narrow(2, -3, 2), r => r.Narrow(2, 1, 2)),
        ["select"] = new(t => t.Select(1, 2), r => r.Narrow(1, 2, 1).Reshape(2, 4)),
        ["select_negative"] = new(t => t.Select(0, -1), r => r.Narrow(0, 1, 1).Reshape(3, 4)),
        ["unsqueeze"] = new(t => t.Unsqueeze(1), r => r.Reshape(2, 1, 3, 4)),
        ["unsqueeze_last"] = new(t => t.Unsqueeze(-1), r => r.Reshape(2, 3, 4, 1)),
        ["squeeze_axis"] = new(t => t.Squeeze(1), r => r.Reshape(2, 4), SingletonMiddle: true),
        ["squeeze_all"] = new(t => t.Squeeze(), r => r.Reshape(2, 4), SingletonMiddle: true),
        ["expand"] = new(t => t.Expand(5, 2, 3, 4), r => r.BroadcastTo([5, 2, 3, 4])),
        ["expand_singleton"] = new(t => t.Expand(2, 7, 4), r => r.BroadcastTo([2, 7, 4]), SingletonMiddle: true),
        ["detach"] = new(t => t.Detach(), r => r),
        ["contiguous_of_contiguous"] = new(t => t.Contiguous(), r => r),
        ["narrow_then_permute"] = new(t => t.Narrow(2, 1, 3).Permute(2, 1, 0), r => r.Narrow(2, 1, 3).Permute(2, 1, 0)),
    };

    public static TheoryData<string> ViewNames() => new(ViewOps.Keys);

    [Theory, MemberData(nameof(ViewNames))]
    public void View_ops_share_the_buffer_and_read_the_right_values(string name)
    {
        var row = ViewOps[name];
        int[] shape = row.SingletonMiddle ? [2, 1, 4] : [2, 3, 4];
        var source = Tensor.Randn(shape, new Generator(3));
        var view = row.Run(source);
        Assert.Same(source.Buffer, view.Buffer);
        TensorAssert.Close(row.Reference(NdArray.Of(source)), view, Tolerance.Exact, name);
    }

    [Fact]
    public void Writing_through_a_view_changes_the_source()
    {
        var source = Tensor.Zeros([3, 4], DType.F64);
        source.Narrow(1, 1, 2).Select(0, 2).CopyFrom(Tensor.FromArray([7.0, 8.0]));
        var expected = NdArray.Zeros(3, 4);
        expected[2, 1] = 7;
        expected[2, 2] = 8;
        TensorAssert.Close(expected, source, Tolerance.Exact, "copy into narrow/select view");
    }

    [Fact]
    public void Contiguous_returns_the_same_tensor_when_already_contiguous()
    {
        var t = Tensor.Randn([3, 4], new Generator(1));
        Assert.Same(t, t.Contiguous());
        // A narrow along the first axis is still gap-free (offset only): no copy either.
        var rows = t.Narrow(0, 1, 2);
        Assert.True(rows.IsContiguous);
        Assert.Same(rows, rows.Contiguous());
        var empty = Tensor.Zeros([3, 0]);
        Assert.Same(empty, empty.Contiguous());
    }

    [Theory]
    [InlineData(ViewKind.Transposed)]
    [InlineData(ViewKind.Narrowed)]
    [InlineData(ViewKind.TransposedNarrowed)]
    [InlineData(ViewKind.Broadcast)]
    public void Contiguous_copies_a_strided_view_into_fresh_memory_and_only_then(ViewKind view)
    {
        var x = new InputSpec([3, 4, 5], view, Domain.Any, 17).Make(DType.F32);
        if (view != ViewKind.Narrowed) Assert.False(x.Tensor.IsContiguous);
        var packed = x.Tensor.Contiguous();
        if (x.Tensor.IsContiguous) Assert.Same(x.Tensor, packed);
        else Assert.NotSame(x.Tensor.Buffer, packed.Buffer);
        Assert.True(packed.IsContiguous);
        Assert.Equal(0, packed.Layout.Offset);
        TensorAssert.Close(x.Reference, packed, Tolerance.Exact, $"contiguous of {x.Describe()}");
    }

    [Fact]
    public void Clone_always_copies()
    {
        var t = Tensor.Randn([2, 3], new Generator(1));
        var copy = t.Clone();
        Assert.NotSame(t.Buffer, copy.Buffer);
        TensorAssert.Close(NdArray.Of(t), copy, Tolerance.Exact, "clone");
    }

    /// <summary>Reshape must read a strided view in logical order (copying first), and view a contiguous one.</summary>
    [Theory, MemberData(nameof(Views))]
    public void Reshape_gives_the_row_major_values_for_any_layout(ViewKind view)
    {
        var cases = from shape in Gens.OpShape(allowZero: true)
                    from x in Gens.Spec(shape, Domain.Any, Gen.Constant(view))
                    from target in TargetShape(shape)
                    select (x, target);
        Properties.Check($"reshape/{view}", cases, c =>
        {
            var x = c.x.Make(DType.F64);
            var y = x.Tensor.Reshape(c.target);
            TensorAssert.Close(x.Reference.Reshape(c.target), y, Tolerance.Exact, $"reshape to {NdArray.Format(c.target)} of {x.Describe()}");
            if (x.Tensor.IsContiguous) Assert.Same(x.Tensor.Buffer, y.Buffer);
        });
    }

    public static TheoryData<ViewKind> Views() => new(Gens.AllViews);

    /// <summary>Another shape with the same element count: the extents regrouped in a random order.</summary>
    private static FsCheck.Gen<int[]> TargetShape(int[] shape) =>
        from order in Gen.Shuffle(shape)
        from merge in Gen.Elements(true, false)
        select merge && order.Length >= 2 ? [order[0] * order[1], .. order[2..]] : order;

    [Theory, MemberData(nameof(Views))]
    public void To_converts_any_layout_element_by_element(ViewKind view)
    {
        var cases = from shape in Gens.OpShape(allowZero: true)
                    from x in Gens.Spec(shape, Domain.Any, Gen.Constant(view))
                    select x;
        Properties.Check($"to/{view}", cases, spec =>
        {
            var wide = spec.Make(DType.F64);
            var narrow = spec.Make(DType.F32);
            TensorAssert.Close(wide.Reference.Map(v => (float)v), wide.Tensor.To(DType.F32), Tolerance.Exact, $"to F32 of {wide.Describe()}", DType.F32);
            TensorAssert.Close(narrow.Reference, narrow.Tensor.To(DType.F64), Tolerance.Exact, $"to F64 of {narrow.Describe()}", DType.F64);
        });
    }

    /// <summary>Destinations must not alias themselves, so no stride-0 (broadcast) views.</summary>
    public static TheoryData<ViewKind> WritableViews() => new(Gens.AllViews.Where(v => v != ViewKind.Broadcast));

    /// <summary>CopyFrom writes a (broadcast) source through a strided destination view.</summary>
    [Theory, MemberData(nameof(WritableViews))]
    public void CopyFrom_writes_through_any_destination_view(ViewKind view)
    {
        var cases = from shape in Gens.OpShape(allowZero: true)
                    from sourceShape in Gens.BroadcastPartOf(shape)
                    from destination in Gens.Spec(shape, Domain.Any, Gen.Constant(view))
                    from source in Gens.Spec(sourceShape, Domain.Any)
                    select (destination, source);
        Properties.Check($"copy_from/{view}", cases, c =>
        {
            var destination = c.destination.Make(DType.F64);
            var source = c.source.Make(DType.F64);
            destination.Tensor.CopyFrom(source.Tensor);
            TensorAssert.Close(source.Reference.BroadcastTo(destination.Reference.Shape), destination.Tensor, Tolerance.Exact,
                OpCheck.Describe("copy_from", DType.F64, destination, source));
        });
    }

    [Fact]
    public void To_converts_between_dtypes()
    {
        var x = Tensor.FromArray([-2.75, -0.5, 0.0, 1.5, 3.25]);
        Assert.Same(x, x.To(DType.F64));
        Assert.Equal(DType.F32, x.To(DType.F32).DType);
        Assert.Equal([-2.75f, -0.5f, 0f, 1.5f, 3.25f], x.To(DType.F32).ToArray<float>());
        // Integer conversion truncates toward zero.
        Assert.Equal([-2, 0, 0, 1, 3], x.To(DType.I32).ToArray<int>());
        Assert.Equal([-2.0, 0, 0, 1, 3], x.To(DType.I32).To(DType.F64).ToArray<double>());
    }

    [Fact]
    public void Element_access_reads_through_the_view()
    {
        var t = Tensor.FromArray([0.0, 1, 2, 3, 4, 5], [2, 3]).MT;
        Assert.Equal(3.0, t[0, 1]);
        Assert.Equal(5.0, t[-1, -1]);
        Assert.Equal(4.0, t.Select(0, 1).Select(0, 1).Item());
    }
}
