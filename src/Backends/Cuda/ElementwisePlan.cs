using GsdmCore.Backends.Cuda.Kernels;

namespace GsdmCore.Backends.Cuda;

/// <summary>
/// One shape walked through several layouts, prepared for a kernel: extent-1 axes dropped, axes that are
/// mergeable in every operand merged (so a contiguous view becomes one unit-stride axis), then stored
/// innermost first in a <see cref="Dims8"/> with one <see cref="Strides8"/> per operand.
/// </summary>
internal readonly struct ElementwisePlan
{
    public readonly Dims8 Dims;
    public readonly Strides8[] Operands;
    /// <summary>Every operand is one unit-stride run: kernels index offset + i and skip the coordinate math.</summary>
    public readonly bool Contiguous;
    public readonly int Count;

    private ElementwisePlan(Dims8 dims, Strides8[] operands, bool contiguous, int count)
    {
        Dims = dims;
        Operands = operands;
        Contiguous = contiguous;
        Count = count;
    }

    public static ElementwisePlan Build(string op, int[] shape, ReadOnlySpan<Layout> layouts)
    {
        int k = layouts.Length;
        Span<int> dims = stackalloc int[Math.Max(shape.Length, 1)];
        Span<int> strides = stackalloc int[Math.Max(shape.Length, 1) * k];
        int rank = 0;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            int extent = shape[axis];
            if (extent == 1) continue;
            bool merge = rank > 0;
            for (int o = 0; o < k && merge; o++)
                merge = strides[(rank - 1) * k + o] == layouts[o].Strides[axis] * extent;
            if (merge)
            {
                dims[rank - 1] *= extent;
                for (int o = 0; o < k; o++) strides[(rank - 1) * k + o] = layouts[o].Strides[axis];
            }
            else
            {
                dims[rank] = extent;
                for (int o = 0; o < k; o++) strides[rank * k + o] = layouts[o].Strides[axis];
                rank++;
            }
        }
        if (rank > Dims8.MaxRank)
            throw new TensorShapeException(op, $"the view {Layout.Format(shape)} keeps {rank} axes that cannot be merged; "
                + $"the GPU kernels take at most {Dims8.MaxRank}. Make it contiguous first (.Contiguous()).");

        var d = new Dims8 { Rank = rank };
        var operands = new Strides8[k];
        bool contiguous = rank <= 1;
        for (int o = 0; o < k; o++) operands[o].Offset = layouts[o].Offset;
        for (int axis = 0; axis < rank; axis++)
        {
            int inner = rank - 1 - axis; // innermost first
            d.Set(inner, dims[axis]);
            for (int o = 0; o < k; o++)
            {
                int s = strides[axis * k + o];
                operands[o].Set(inner, s);
                if (s != 1) contiguous = false;
            }
        }
        return new ElementwisePlan(d, operands, contiguous, Layout.ShapeCount(shape));
    }

    /// <summary>A plan of the leading <paramref name="axes"/> axes of one layout (rows of a reduction).</summary>
    public static ElementwisePlan Leading(string op, Layout layout, int axes) =>
        Build(op, layout.Shape[..axes], [new Layout(layout.Shape[..axes], layout.Strides[..axes], layout.Offset)]);

    /// <summary>A plan of the trailing axes from <paramref name="from"/> of one layout, at offset 0 (elements of a row).</summary>
    public static ElementwisePlan Trailing(string op, Layout layout, int from) =>
        Build(op, layout.Shape[from..], [new Layout(layout.Shape[from..], layout.Strides[from..], 0)]);
}
