using GsdmCore.Backends;

namespace GsdmCore;

public sealed partial class Tensor
{
    /// <summary>The elements in row-major order as <typeparamref name="T"/> (converted from <see cref="DType"/> when they differ).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var want = DTypeInfo.Of<T>();
        var source = want == DType ? this : ConvertedCopy(want);
        var result = new T[Count];
        source.Backend.Download<T>(source.Buffer, source.Layout, result);
        return result;
    }

    /// <summary>The elements in row-major order as float32.</summary>
    public float[] ToArray() => ToArray<float>();

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        if (Count != 1)
            throw new TensorShapeException("item", $"needs exactly one element, the tensor has shape {Checks.S(Layout.Shape)}; reduce it first (e.g. .Sum()).");
        // Read in the tensor's own dtype into the stack: a training loop reading its loss every step allocates nothing.
        switch (DType)
        {
            case DType.F32:
                Span<float> f = stackalloc float[1];
                Backend.Download<float>(Buffer, Layout, f);
                return f[0];
            case DType.F64:
                Span<double> d = stackalloc double[1];
                Backend.Download<double>(Buffer, Layout, d);
                return d[0];
            default:
                Span<int> i = stackalloc int[1];
                Backend.Download<int>(Buffer, Layout, i);
                return i[0];
        }
    }

    /// <summary>The element at <paramref name="index"/> (one entry per axis), as a double.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public double this[params int[] index]
    {
        get
        {
            if (index.Length != Rank)
                throw new TensorShapeException("index", $"{index.Length} indices given for a tensor of rank {Rank} {Checks.S(Layout.Shape)}.");
            var view = this;
            for (int axis = 0; axis < index.Length; axis++)
            {
                int i = index[axis] < 0 ? index[axis] + Layout.Shape[axis] : index[axis];
                if (i < 0 || i >= Layout.Shape[axis])
                    throw new TensorIndexException("index", $"index {index[axis]} is out of range for axis {axis} of size {Layout.Shape[axis]}.");
                view = view.WithLayout(new Layout(view.Layout.Shape, view.Layout.Strides, view.Layout.Offset + i * view.Layout.Strides[axis]));
            }
            return view.WithLayout(new Layout([], [], view.Layout.Offset)).ToArray<double>()[0];
        }
    }

    private Tensor ConvertedCopy(DType dtype)
    {
        var t = Empty(Layout.Shape, dtype, Device);
        Backend.Copy(Buffer, Layout, t.Buffer, t.Layout);
        return t;
    }

    /// <summary>Copies <paramref name="source"/> (broadcast to this shape) into this view, in place. Not recorded.</summary>
    public void CopyFrom(Tensor source)
    {
        Checks.SameDevice("copy_from", this, source);
        if (RequiresGrad && GradMode.IsEnabled)
            throw new AutogradException("copy_from", "in-place writes into a tensor that requires gradients would corrupt the graph; do it inside GradMode.Disable().");
        var src = source.BroadcastView("copy_from", Layout.Shape);
        Backend.Copy(src.Buffer, src.Layout, Buffer, Layout);
    }
}
