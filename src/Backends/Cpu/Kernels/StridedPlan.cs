namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Walks one shape through several layouts at once as rows: axes that are mergeable in every operand are
/// merged, so the inner row is as long as possible and usually unit-stride.
/// </summary>
internal sealed class StridedPlan
{
    public readonly int[] Dims;
    public readonly int[][] Strides;
    public readonly int[] Offsets;
    public readonly int Inner;
    public readonly int Rows;

    public StridedPlan(int[] shape, params Layout[] layouts)
    {
        var dims = new List<int>();
        var strides = layouts.Select(_ => new List<int>()).ToArray();
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (shape[axis] == 1) continue;
            bool merge = dims.Count > 0;
            for (int k = 0; k < layouts.Length && merge; k++)
                merge = strides[k][^1] == layouts[k].Strides[axis] * shape[axis];
            if (merge)
            {
                dims[^1] *= shape[axis];
                for (int k = 0; k < layouts.Length; k++) strides[k][^1] = layouts[k].Strides[axis];
            }
            else
            {
                dims.Add(shape[axis]);
                for (int k = 0; k < layouts.Length; k++) strides[k].Add(layouts[k].Strides[axis]);
            }
        }
        if (dims.Count == 0)
        {
            dims.Add(1);
            foreach (var s in strides) s.Add(1);
        }
        Dims = dims.ToArray();
        Strides = strides.Select(s => s.ToArray()).ToArray();
        Offsets = layouts.Select(l => l.Offset).ToArray();
        Inner = Dims[^1];
        Rows = Inner == 0 ? 0 : Layout.ShapeCount(shape) / Inner;
    }

    /// <summary>Inner-axis stride of operand k.</summary>
    public int InnerStride(int k) => Strides[k][^1];

    /// <summary>A cursor positioned at row <paramref name="row"/>.</summary>
    public Cursor At(int row) => new(this, row);

    /// <summary>Tracks the start offset of each operand's current row; Next() advances by one row.</summary>
    public sealed class Cursor
    {
        private readonly StridedPlan _plan;
        private readonly int[] _index;
        public readonly int[] Offset;

        public Cursor(StridedPlan plan, int row)
        {
            _plan = plan;
            int outerRank = plan.Dims.Length - 1;
            _index = new int[Math.Max(outerRank, 0)];
            Offset = (int[])plan.Offsets.Clone();
            for (int axis = outerRank - 1; axis >= 0; axis--)
            {
                int i = row % plan.Dims[axis];
                row /= plan.Dims[axis];
                _index[axis] = i;
                for (int k = 0; k < Offset.Length; k++) Offset[k] += i * plan.Strides[k][axis];
            }
        }

        public void Next()
        {
            for (int axis = _index.Length - 1; axis >= 0; axis--)
            {
                if (++_index[axis] < _plan.Dims[axis])
                {
                    for (int k = 0; k < Offset.Length; k++) Offset[k] += _plan.Strides[k][axis];
                    return;
                }
                _index[axis] = 0;
                for (int k = 0; k < Offset.Length; k++) Offset[k] -= (_plan.Dims[axis] - 1) * _plan.Strides[k][axis];
            }
        }
    }

    /// <summary>Copies a strided row into <paramref name="dst"/> (length = dst.Length).</summary>
    public static void GatherRow<T>(T[] src, int offset, int stride, Span<T> dst)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = src[offset + i * stride];
    }
}
