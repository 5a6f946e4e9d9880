using GsdmCore.Backends;

namespace GsdmCore;

public sealed partial class Tensor
{
    /// <summary>
    /// The same elements with another shape (one extent may be -1). A view when this tensor is contiguous,
    /// otherwise a contiguous copy first.
    /// </summary>
    public Tensor Reshape(params int[] shape)
    {
        var target = InferShape("reshape", shape);
        if (!IsContiguous) return Contiguous().Reshape(target);
        return WithLayout(new Layout(target, Layout.ContiguousStrides(target), Layout.Offset)).Recorded(OpKind.Reshape, null, this);
    }

    /// <summary>All elements in one axis.</summary>
    public Tensor Flatten() => Reshape(Count);

    private int[] InferShape(string op, int[] shape)
    {
        var result = (int[])shape.Clone();
        int unknown = Array.IndexOf(result, -1);
        if (unknown >= 0 && Array.LastIndexOf(result, -1) != unknown)
            throw new TensorShapeException(op, $"only one extent of {Checks.S(shape)} may be -1.");
        if (unknown >= 0)
        {
            result[unknown] = 1;
            int known = Layout.ShapeCount(result);
            if (known == 0 || Count % known != 0)
                throw new TensorShapeException(op, $"cannot infer -1 in {Checks.S(shape)} for {Count} elements of {Checks.S(Layout.Shape)}.");
            result[unknown] = Count / known;
        }
        Checks.Shape(op, result);
        if (Layout.ShapeCount(result) != Count)
            throw new TensorShapeException(op, $"cannot view {Checks.S(Layout.Shape)} ({Count} elements) as {Checks.S(shape)} ({Layout.ShapeCount(result)} elements).");
        return result;
    }

    /// <summary>Reorders the axes: result axis i is input axis <paramref name="order"/>[i]. A view.</summary>
    public Tensor Permute(params int[] order)
    {
        if (order.Length != Rank)
            throw new TensorShapeException("permute", $"order [{string.Join(", ", order)}] has {order.Length} axes, the tensor {Checks.S(Layout.Shape)} has {Rank}.");
        var axes = new int[Rank];
        Span<bool> seen = stackalloc bool[Rank];
        for (int i = 0; i < Rank; i++)
        {
            axes[i] = Checks.Axis("permute", order[i], Rank);
            if (seen[axes[i]])
                throw new TensorShapeException("permute", $"order [{string.Join(", ", order)}] is not a permutation of 0..{Rank - 1}.");
            seen[axes[i]] = true;
        }
        var layout = new Layout(Checks.Pick(Layout.Shape, axes), Checks.Pick(Layout.Strides, axes), Layout.Offset);
        return WithLayout(layout).Recorded(OpKind.Permute, axes, this);
    }

    /// <summary>Swaps two axes. A view.</summary>
    public Tensor Transpose(int axis0, int axis1)
    {
        var order = Checks.Iota(Rank);
        int a = Checks.Axis("transpose", axis0, Rank), b = Checks.Axis("transpose", axis1, Rank);
        (order[a], order[b]) = (order[b], order[a]);
        return Permute(order);
    }

    /// <summary>The transpose of the last two axes (matrix transpose). A view.</summary>
    public Tensor MT => Rank >= 2 ? Transpose(-2, -1)
        : throw new TensorShapeException("mT", $"needs at least 2 axes, the tensor has shape {Checks.S(Layout.Shape)}.");

    /// <summary>Elements start .. start + length - 1 of <paramref name="axis"/>. A view.</summary>
    public Tensor Narrow(int axis, int start, int length)
    {
        int a = Checks.Axis("narrow", axis, Rank);
        int n = Layout.Shape[a];
        if (start < 0) start += n;
        if (start < 0 || length < 0 || start + length > n)
            throw new TensorShapeException("narrow", $"range start {start}, length {length} does not fit axis {a} of {Checks.S(Layout.Shape)} (size {n}).");
        var shape = Shape;
        shape[a] = length;
        var layout = new Layout(shape, (int[])Layout.Strides.Clone(), Layout.Offset + (length == 0 ? 0 : start * Layout.Strides[a]));
        return WithLayout(layout).Recorded(OpKind.Narrow, (a, start), this);
    }

    /// <summary>The slice at <paramref name="index"/> of <paramref name="axis"/>, that axis removed. A view.</summary>
    public Tensor Select(int axis, int index)
    {
        int a = Checks.Axis("select", axis, Rank);
        if (index < 0) index += Layout.Shape[a];
        return Narrow(a, index, 1).Squeeze(a);
    }

    /// <summary>Removes <paramref name="axis"/>, which must have extent 1. A view.</summary>
    public Tensor Squeeze(int axis)
    {
        int a = Checks.Axis("squeeze", axis, Rank);
        if (Layout.Shape[a] != 1)
            throw new TensorShapeException("squeeze", $"axis {a} of {Checks.S(Layout.Shape)} has extent {Layout.Shape[a]}, not 1.");
        return WithLayout(WithoutAxes(a, a + 1)).Recorded(OpKind.Reshape, null, this);
    }

    /// <summary>Removes every axis of extent 1. A view.</summary>
    public Tensor Squeeze()
    {
        Span<int> keep = stackalloc int[Rank];
        int kept = 0;
        for (int i = 0; i < Rank; i++)
            if (Layout.Shape[i] != 1) keep[kept++] = i;
        var layout = new Layout(Checks.Pick(Layout.Shape, keep[..kept]), Checks.Pick(Layout.Strides, keep[..kept]), Layout.Offset);
        return WithLayout(layout).Recorded(OpKind.Reshape, null, this);
    }

    /// <summary>This layout without the axes in [from, to).</summary>
    private Layout WithoutAxes(int from, int to)
    {
        int removed = to - from;
        var shape = new int[Rank - removed];
        var strides = new int[Rank - removed];
        for (int i = 0, j = 0; i < Rank; i++)
        {
            if (i >= from && i < to) continue;
            shape[j] = Layout.Shape[i];
            strides[j++] = Layout.Strides[i];
        }
        return new Layout(shape, strides, Layout.Offset);
    }

    /// <summary>Inserts an axis of extent 1 at <paramref name="axis"/> (0..Rank; negative counts from the end). A view.</summary>
    public Tensor Unsqueeze(int axis)
    {
        int a = Checks.Axis("unsqueeze", axis, Rank + 1);
        var shape = new int[Rank + 1];
        var strides = new int[Rank + 1];
        for (int i = 0, j = 0; i <= Rank; i++)
        {
            if (i == a)
            {
                shape[i] = 1;
                strides[i] = a < Rank ? Layout.Strides[a] * Layout.Shape[a] : 1;
                continue;
            }
            shape[i] = Layout.Shape[j];
            strides[i] = Layout.Strides[j++];
        }
        return WithLayout(new Layout(shape, strides, Layout.Offset)).Recorded(OpKind.Reshape, null, this);
    }

    /// <summary>Broadcasts to <paramref name="shape"/> (extent-1 axes and new leading axes repeat with stride 0). A view.</summary>
    public Tensor Expand(params int[] shape)
    {
        var view = BroadcastView("expand", shape);
        return ReferenceEquals(view, this) ? this : view.Recorded(OpKind.Expand, null, this);
    }

    /// <summary>The stride-0 view of this tensor at <paramref name="shape"/>, unrecorded; this tensor itself when the shapes agree.</summary>
    internal Tensor BroadcastView(string op, int[] shape)
    {
        if (shape.AsSpan().SequenceEqual(Layout.Shape)) return this;
        if (shape.Length < Rank)
            throw new TensorShapeException(op, $"cannot broadcast {Checks.S(Layout.Shape)} to the lower-rank shape {Checks.S(shape)}.");
        int lead = shape.Length - Rank;
        var strides = new int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            if (i < lead) { strides[i] = 0; continue; }
            int own = Layout.Shape[i - lead];
            if (own == shape[i]) strides[i] = Layout.Strides[i - lead];
            else if (own == 1) strides[i] = 0;
            else throw new TensorShapeException(op, $"cannot broadcast {Checks.S(Layout.Shape)} to {Checks.S(shape)}: axis {i} has {own}, which is neither {shape[i]} nor 1.");
        }
        return WithLayout(new Layout((int[])shape.Clone(), strides, Layout.Offset));
    }

    /// <summary>This tensor when its elements are already row-major and gap-free, otherwise a contiguous copy.</summary>
    public Tensor Contiguous() => IsContiguous ? this : Clone();

    /// <summary>A contiguous copy in fresh memory.</summary>
    public Tensor Clone()
    {
        var t = Empty(Layout.Shape, DType, Device);
        Backend.Copy(Buffer, Layout, t.Buffer, t.Layout);
        return t.Recorded(OpKind.Copy, null, this);
    }

    /// <summary>A copy converted to <paramref name="dtype"/> (this tensor when it already is).</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var t = ConvertedCopy(dtype);
        return dtype.IsFloat() && DType.IsFloat() ? t.Recorded(OpKind.Cast, null, this) : t;
    }
}
