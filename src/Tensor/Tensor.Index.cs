using GsdmCore.Backends;

namespace GsdmCore;

public sealed partial class Tensor
{
    /// <summary>(outer, n, inner) of this contiguous tensor around <paramref name="axis"/>.</summary>
    private (int Outer, int N, int Inner) Around(int axis) =>
        (Layout.ShapeCount(Layout.Shape.AsSpan(0, axis)), Layout.Shape[axis], Layout.ShapeCount(Layout.Shape.AsSpan(axis + 1)));

    /// <summary>The slices <paramref name="index"/>[j] of <paramref name="axis"/>, in order (a 1-D I32 index).</summary>
    public Tensor IndexSelect(int axis, Tensor index)
    {
        const string op = "index_select";
        int a = Checks.Axis(op, axis, Rank);
        CheckIndexVector(op, index);
        var src = Detach().Packed();
        var idx = index.Packed();
        var shape = Shape;
        shape[a] = idx.Count;
        var y = Empty(shape, DType, Device);
        var (outer, n, inner) = src.Around(a);
        if (y.Count > 0 || idx.Count > 0) Backend.IndexSelect(src.Buffer, outer, n, inner, idx.Buffer, idx.Count, y.Buffer);
        return y.Recorded(OpKind.IndexSelect, new IndexAttr(a, idx), this);
    }

    /// <summary>A copy of this tensor with slice j of <paramref name="source"/> added into slice index[j] of <paramref name="axis"/> (repeats accumulate).</summary>
    public Tensor IndexAdd(int axis, Tensor index, Tensor source)
    {
        const string op = "index_add";
        int a = Checks.Axis(op, axis, Rank);
        CheckIndexVector(op, index);
        Checks.SameDType(op, this, source);
        Checks.SameDevice(op, this, source);
        var expected = Shape;
        expected[a] = index.Count;
        if (!expected.AsSpan().SequenceEqual(source.Layout.Shape))
            throw new TensorShapeException(op, $"source has shape {Checks.S(source.Layout.Shape)}, expected {Checks.S(expected)} (this {Checks.S(Layout.Shape)} with axis {a} = index length {index.Count}).");
        var y = Detach().Clone();
        var src = source.Detach().Packed();
        var idx = index.Packed();
        var (outer, n, inner) = y.Around(a);
        Backend.IndexAdd(y.Buffer, outer, n, inner, idx.Buffer, idx.Count, src.Buffer);
        return y.Recorded(OpKind.IndexAdd, new IndexAttr(a, idx), this, source);
    }

    /// <summary>
    /// result[..., j, ...] = this[..., index[..., j, ...], ...] along <paramref name="axis"/> (PyTorch's gather):
    /// index has this tensor's rank, any extent along axis and at most this tensor's extent elsewhere.
    /// </summary>
    public Tensor Gather(int axis, Tensor index)
    {
        const string op = "gather";
        int a = Checks.Axis(op, axis, Rank);
        CheckIndexBlock(op, index, a, this);
        var src = NarrowedTo(index, a).Detach().Packed();
        var idx = index.Packed();
        var y = Empty(index.Layout.Shape, DType, Device);
        var (outer, n, inner) = src.Around(a);
        if (y.Count > 0) Backend.Gather(src.Buffer, outer, n, inner, idx.Buffer, index.Layout.Shape[a], y.Buffer);
        return y.Recorded(OpKind.Gather, new IndexAttr(a, idx), this);
    }

    /// <summary>A copy of this tensor with source[..., j, ...] added at index[..., j, ...] along <paramref name="axis"/>; index and source share one shape.</summary>
    public Tensor ScatterAdd(int axis, Tensor index, Tensor source)
    {
        const string op = "scatter_add";
        int a = Checks.Axis(op, axis, Rank);
        Checks.SameDType(op, this, source);
        Checks.SameDevice(op, this, source);
        if (!index.Layout.Shape.AsSpan().SequenceEqual(source.Layout.Shape))
            throw new TensorShapeException(op, $"index {Checks.S(index.Layout.Shape)} and source {Checks.S(source.Layout.Shape)} must have the same shape.");
        CheckIndexBlock(op, index, a, this);
        for (int d = 0; d < Rank; d++)
            if (d != a && index.Layout.Shape[d] != Layout.Shape[d])
                throw new TensorShapeException(op, $"index {Checks.S(index.Layout.Shape)} must match this tensor {Checks.S(Layout.Shape)} on every axis but {a}.");
        var y = Detach().Clone();
        var src = source.Detach().Packed();
        var idx = index.Packed();
        var (outer, n, inner) = y.Around(a);
        if (src.Count > 0) Backend.ScatterAdd(y.Buffer, outer, n, inner, idx.Buffer, index.Layout.Shape[a], src.Buffer);
        return y.Recorded(OpKind.ScatterAdd, new IndexAttr(a, idx), this, source);
    }

    /// <summary>One-hot vectors: result[..., c] = 1 where index[...] == c, for c in 0..classes-1, as <paramref name="dtype"/>.</summary>
    public static Tensor OneHot(Tensor index, int classes, DType dtype = DType.F32)
    {
        const string op = "one_hot";
        Checks.Index(op, index);
        if (classes < 1) throw new TensorShapeException(op, $"needs at least one class, got {classes}.");
        if (!dtype.IsFloat()) throw new TensorDTypeException(op, $"one-hot vectors are float; asked for {dtype}.");
        foreach (var v in index.ToArray<int>())
            if (v < 0 || v >= classes)
                throw new TensorIndexException(op, $"class {v} is outside 0..{classes - 1}.");
        using (GradMode.Disable())
            return index.To(dtype).Unsqueeze(-1).Eq(Arange(classes, dtype, index.Device));
    }

    /// <summary>Joins tensors along an existing <paramref name="axis"/>; all other extents must agree.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> parts, int axis = 0)
    {
        const string op = "concat";
        if (parts.Count == 0) throw new TensorShapeException(op, "needs at least one tensor.");
        var first = parts[0];
        int a = Checks.Axis(op, axis, first.Rank);
        foreach (var p in parts)
        {
            Checks.SameDType(op, first, p);
            Checks.SameDevice(op, first, p);
            bool fits = p.Rank == first.Rank;
            for (int d = 0; d < first.Rank && fits; d++) fits = d == a || p.Layout.Shape[d] == first.Layout.Shape[d];
            if (!fits)
                throw new TensorShapeException(op, $"{Checks.S(first.Layout.Shape)} and {Checks.S(p.Layout.Shape)} differ on an axis other than {a}.");
        }
        var shape = first.Shape;
        shape[a] = 0;
        foreach (var p in parts) shape[a] += p.Layout.Shape[a];
        var y = Empty(shape, first.DType, first.Device);
        int at = 0;
        foreach (var p in parts)
        {
            int len = p.Layout.Shape[a];
            if (len > 0)
            {
                var target = y.Detach().Narrow(a, at, len);
                p.Backend.Copy(p.Buffer, p.Layout, target.Buffer, target.Layout);
            }
            at += len;
        }
        return y.Recorded(OpKind.Concat, a, parts.ToArray());
    }

    /// <summary>Joins same-shaped tensors along a new <paramref name="axis"/>.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> parts, int axis = 0)
    {
        if (parts.Count == 0) throw new TensorShapeException("stack", "needs at least one tensor.");
        foreach (var p in parts)
            if (!p.Layout.Shape.AsSpan().SequenceEqual(parts[0].Layout.Shape))
                throw new TensorShapeException("stack", $"all tensors must share one shape: {Checks.S(parts[0].Layout.Shape)} vs {Checks.S(p.Layout.Shape)}.");
        int a = Checks.Axis("stack", axis, parts[0].Rank + 1);
        return Concat(parts.Select(p => p.Unsqueeze(a)).ToArray(), a);
    }

    /// <summary>Views of consecutive pieces of <paramref name="axis"/> with the given sizes (which must add up to its extent).</summary>
    public Tensor[] Split(int[] sizes, int axis = 0)
    {
        int a = Checks.Axis("split", axis, Rank);
        if (sizes.Any(s => s < 0) || sizes.Sum() != Layout.Shape[a])
            throw new TensorShapeException("split", $"sizes [{string.Join(", ", sizes)}] do not add up to extent {Layout.Shape[a]} of axis {a} in {Checks.S(Layout.Shape)}.");
        var result = new Tensor[sizes.Length];
        int at = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            result[i] = Narrow(a, at, sizes[i]);
            at += sizes[i];
        }
        return result;
    }

    /// <summary>Views of pieces of <paramref name="chunkSize"/> along <paramref name="axis"/> (the last may be shorter).</summary>
    public Tensor[] Split(int chunkSize, int axis = 0)
    {
        int a = Checks.Axis("split", axis, Rank);
        if (chunkSize <= 0) throw new TensorShapeException("split", $"chunk size must be positive, got {chunkSize}.");
        int n = Layout.Shape[a];
        var sizes = Enumerable.Range(0, (n + chunkSize - 1) / chunkSize).Select(i => Math.Min(chunkSize, n - i * chunkSize)).ToArray();
        return Split(sizes, a);
    }

    /// <summary>
    /// This tensor when it is row-major from buffer element 0, else a packed copy (unrecorded): the index
    /// kernels address buffers from their start, so a contiguous view with an offset would be misread.
    /// </summary>
    private Tensor Packed() => IsContiguous && Layout.Offset == 0 ? this : Detach().Clone();

    private static void CheckIndexVector(string op, Tensor index)
    {
        Checks.Index(op, index);
        if (index.Rank != 1)
            throw new TensorShapeException(op, $"index must be 1-D, got shape {Checks.S(index.Layout.Shape)}; flatten it first.");
    }

    private static void CheckIndexBlock(string op, Tensor index, int axis, Tensor self)
    {
        Checks.Index(op, index);
        if (index.Rank != self.Rank)
            throw new TensorShapeException(op, $"index {Checks.S(index.Layout.Shape)} must have the rank of the tensor {Checks.S(self.Layout.Shape)}.");
        for (int d = 0; d < self.Rank; d++)
            if (d != axis && index.Layout.Shape[d] > self.Layout.Shape[d])
                throw new TensorShapeException(op, $"index {Checks.S(index.Layout.Shape)} is larger than the tensor {Checks.S(self.Layout.Shape)} on axis {d}.");
    }

    /// <summary>This tensor narrowed (from 0) to the index's extents on every axis but <paramref name="axis"/>.</summary>
    private Tensor NarrowedTo(Tensor index, int axis)
    {
        var shape = Shape;
        for (int d = 0; d < Rank; d++) if (d != axis) shape[d] = index.Layout.Shape[d];
        return WithLayout(new Layout(shape, (int[])Layout.Strides.Clone(), Layout.Offset));
    }
}
