namespace GsdmCore.Backends;

/// <summary>
/// How a tensor's elements sit in its buffer: shape, element strides (0 on broadcast axes) and offset.
/// Immutable; every view op returns a new layout over the same buffer.
/// </summary>
public sealed class Layout
{
    /// <summary>Extent of each axis.</summary>
    public int[] Shape { get; }
    /// <summary>Distance in elements between neighbours along each axis (0 = broadcast).</summary>
    public int[] Strides { get; }
    /// <summary>Index of element [0, ..., 0] in the buffer.</summary>
    public int Offset { get; }

    /// <summary>Creates a layout; arrays are owned by the layout afterwards.</summary>
    public Layout(int[] shape, int[] strides, int offset)
    {
        if (shape.Length != strides.Length)
            throw new ArgumentException($"Layout: shape has {shape.Length} axes but strides have {strides.Length}.");
        Shape = shape;
        Strides = strides;
        Offset = offset;
    }

    /// <summary>A row-major contiguous layout of <paramref name="shape"/> at offset 0.</summary>
    public static Layout Contiguous(int[] shape) => new(shape, ContiguousStrides(shape), 0);

    /// <summary>Row-major strides of <paramref name="shape"/>.</summary>
    public static int[] ContiguousStrides(int[] shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    /// <summary>Number of axes.</summary>
    public int Rank => Shape.Length;

    /// <summary>Number of elements.</summary>
    public int Count => ShapeCount(Shape);

    /// <summary>Product of the extents of <paramref name="shape"/>.</summary>
    public static int ShapeCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return checked((int)n);
    }

    /// <summary>True when the elements are row-major and gap-free (any offset); always for an empty layout.</summary>
    public bool IsContiguous
    {
        get
        {
            if (Shape.AsSpan().Contains(0)) return true;
            int s = 1;
            for (int i = Rank - 1; i >= 0; i--)
            {
                if (Shape[i] == 1) continue;
                if (Strides[i] != s) return false;
                s *= Shape[i];
            }
            return true;
        }
    }

    /// <summary>Buffer index of the element at multi-index <paramref name="index"/>.</summary>
    public int IndexOf(ReadOnlySpan<int> index)
    {
        int at = Offset;
        for (int i = 0; i < index.Length; i++) at += index[i] * Strides[i];
        return at;
    }

    /// <summary>"[2, 3]"-style text of a shape, as used in every error message.</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <inheritdoc />
    public override string ToString() => $"{Format(Shape)} strides {Format(Strides)} offset {Offset}";
}
