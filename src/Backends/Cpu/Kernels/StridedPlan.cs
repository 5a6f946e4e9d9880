namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Walks one shape through several layouts at once as rows: axes that are mergeable in every operand are
/// merged, so the inner row is as long as possible and usually unit-stride.
/// </summary>
internal sealed class StridedPlan
{
    public readonly int[] Dims;
    /// <summary>Stride of operand k along merged axis i at [k * Dims.Length + i].</summary>
    private readonly int[] _strides;
    public readonly int[] Offsets;
    public readonly int Inner;
    public readonly int Rows;

    public StridedPlan(int[] shape, params ReadOnlySpan<Layout> layouts)
    {
        int operands = layouts.Length, most = Math.Max(shape.Length, 1);
        Span<int> dims = stackalloc int[most];
        Span<int> strides = stackalloc int[most * operands]; // [axis * operands + k] while building
        int rank = 0;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (shape[axis] == 1) continue;
            bool merge = rank > 0;
            for (int k = 0; k < operands && merge; k++)
                merge = strides[(rank - 1) * operands + k] == layouts[k].Strides[axis] * shape[axis];
            if (merge) dims[rank - 1] *= shape[axis];
            else dims[rank++] = shape[axis];
            for (int k = 0; k < operands; k++) strides[(rank - 1) * operands + k] = layouts[k].Strides[axis];
        }
        if (rank == 0)
        {
            dims[rank++] = 1;
            strides[..operands].Fill(1);
        }
        Dims = dims[..rank].ToArray();
        _strides = new int[operands * rank];
        Offsets = new int[operands];
        for (int k = 0; k < operands; k++)
        {
            Offsets[k] = layouts[k].Offset;
            for (int i = 0; i < rank; i++) _strides[k * rank + i] = strides[i * operands + k];
        }
        Inner = Dims[^1];
        Rows = Inner == 0 ? 0 : Layout.ShapeCount(shape) / Inner;
    }

    /// <summary>Stride of operand k along merged axis <paramref name="axis"/>.</summary>
    public int Stride(int k, int axis) => _strides[k * Dims.Length + axis];

    /// <summary>Inner-axis stride of operand k.</summary>
    public int InnerStride(int k) => Stride(k, Dims.Length - 1);

    /// <summary>
    /// Tracks the start offset of each operand's current row in caller-provided memory (stack spans of
    /// Dims.Length - 1 and Offsets.Length ints); Next() advances by one row.
    /// </summary>
    public ref struct Cursor
    {
        private readonly StridedPlan _plan;
        private readonly Span<int> _index;
        public readonly Span<int> Offset;

        public Cursor(StridedPlan plan, int row, Span<int> index, Span<int> offset)
        {
            _plan = plan;
            _index = index;
            Offset = offset;
            plan.Offsets.CopyTo(offset);
            for (int axis = index.Length - 1; axis >= 0; axis--)
            {
                int i = row % plan.Dims[axis];
                row /= plan.Dims[axis];
                index[axis] = i;
                for (int k = 0; k < offset.Length; k++) offset[k] += i * plan.Stride(k, axis);
            }
        }

        public void Next()
        {
            for (int axis = _index.Length - 1; axis >= 0; axis--)
            {
                if (++_index[axis] < _plan.Dims[axis])
                {
                    for (int k = 0; k < Offset.Length; k++) Offset[k] += _plan.Stride(k, axis);
                    return;
                }
                _index[axis] = 0;
                for (int k = 0; k < Offset.Length; k++) Offset[k] -= (_plan.Dims[axis] - 1) * _plan.Stride(k, axis);
            }
        }
    }

    /// <summary>Copies a strided row into <paramref name="dst"/> (length = dst.Length).</summary>
    public static void GatherRow<T>(T[] src, int offset, int stride, Span<T> dst)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = src[offset + i * stride];
    }
}
