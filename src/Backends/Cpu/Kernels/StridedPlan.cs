using System.Runtime.CompilerServices;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Walks one shape through several layouts at once as rows: axes that are mergeable in every operand are
/// merged, so the inner row is as long as possible and usually unit-stride. A value type with its dims, strides
/// and offsets inline: planning an elementwise call allocates nothing.
/// </summary>
internal struct StridedPlan
{
    /// <summary>Most merged axes a plan holds (more non-mergeable axes than this are refused).</summary>
    public const int MaxRank = 8;
    /// <summary>Most operands a plan walks (a where: condition, two values and the output).</summary>
    public const int MaxOperands = 4;

    [InlineArray(MaxRank)] private struct Axes { private int _first; }
    [InlineArray(MaxRank * MaxOperands)] private struct AxisStrides { private int _first; }
    [InlineArray(MaxOperands)] private struct Operands { private int _first; }

    private Axes _dims;
    /// <summary>Stride of operand k along merged axis i at [k * Rank + i].</summary>
    private AxisStrides _strides;
    private Operands _offsets;

    /// <summary>Merged axes.</summary>
    public int Rank { get; }
    /// <summary>Operands walked.</summary>
    public int OperandCount { get; }
    /// <summary>Length of the last merged axis: one row.</summary>
    public int Inner { get; }
    /// <summary>Rows in all.</summary>
    public int Rows { get; }

    /// <summary>
    /// Plans <paramref name="shape"/> through <paramref name="layouts"/>, and, when <paramref name="contiguousOutput"/>,
    /// a last operand laid out row-major from offset 0 (an op's output).
    /// </summary>
    /// <exception cref="TensorShapeException">More than <see cref="MaxRank"/> axes remain after merging.</exception>
    public StridedPlan(int[] shape, ReadOnlySpan<Layout> layouts, bool contiguousOutput = false)
    {
        int operands = layouts.Length + (contiguousOutput ? 1 : 0), most = Math.Max(shape.Length, 1);
        Span<int> dims = stackalloc int[most];
        Span<int> strides = stackalloc int[most * operands]; // [axis * operands + k] while building
        Span<int> output = stackalloc int[shape.Length];
        if (contiguousOutput)
            for (int axis = shape.Length - 1, s = 1; axis >= 0; axis--)
            {
                output[axis] = s;
                s *= Math.Max(shape[axis], 1);
            }
        int rank = 0;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (shape[axis] == 1) continue;
            bool merge = rank > 0;
            for (int k = 0; k < operands && merge; k++)
                merge = strides[(rank - 1) * operands + k] == StrideOf(layouts, output, k, axis) * shape[axis];
            if (merge) dims[rank - 1] *= shape[axis];
            else dims[rank++] = shape[axis];
            for (int k = 0; k < operands; k++) strides[(rank - 1) * operands + k] = StrideOf(layouts, output, k, axis);
        }
        if (rank == 0)
        {
            dims[rank++] = 1;
            strides[..operands].Fill(1);
        }
        if (rank > MaxRank)
            throw new TensorShapeException("elementwise", $"a strided view of shape {Layout.Format(shape)} keeps {rank} axes that cannot be merged; at most {MaxRank} are supported: make the tensor contiguous first.");
        Rank = rank;
        OperandCount = operands;
        for (int i = 0; i < rank; i++) _dims[i] = dims[i];
        for (int k = 0; k < operands; k++)
        {
            _offsets[k] = k < layouts.Length ? layouts[k].Offset : 0;
            for (int i = 0; i < rank; i++) _strides[k * rank + i] = strides[i * operands + k];
        }
        Inner = dims[rank - 1];
        Rows = Inner == 0 ? 0 : Layout.ShapeCount(shape) / Inner;
    }

    /// <summary>Stride of operand <paramref name="k"/> along <paramref name="axis"/>: a given layout's, or the contiguous output's.</summary>
    private static int StrideOf(ReadOnlySpan<Layout> layouts, ReadOnlySpan<int> output, int k, int axis) =>
        k < layouts.Length ? layouts[k].Strides[axis] : output[axis];

    /// <summary>Extent of merged axis <paramref name="axis"/>.</summary>
    public readonly int Dim(int axis) => _dims[axis];

    /// <summary>Offset of operand <paramref name="k"/>'s first element.</summary>
    public readonly int Offset(int k) => _offsets[k];

    /// <summary>Stride of operand <paramref name="k"/> along merged axis <paramref name="axis"/>.</summary>
    public readonly int Stride(int k, int axis) => _strides[k * Rank + axis];

    /// <summary>Stride of operand <paramref name="k"/> along the inner row.</summary>
    public readonly int InnerStride(int k) => Stride(k, Rank - 1);

    /// <summary>
    /// Row-by-row walk: holds the outer index (all merged axes but the last) and each operand's
    /// element offset of the current row's start.
    /// </summary>
    public ref struct Cursor
    {
        private readonly ref readonly StridedPlan _plan;
        private readonly Span<int> _index;
        /// <summary>Element offset of the current row's start, per operand.</summary>
        public readonly Span<int> Offset;

        /// <summary>Positions at row <paramref name="row"/>; <paramref name="index"/> has Rank - 1 slots, <paramref name="offset"/> one per operand.</summary>
        public Cursor(ref readonly StridedPlan plan, int row, Span<int> index, Span<int> offset)
        {
            _plan = ref plan;
            _index = index;
            Offset = offset;
            for (int k = 0; k < offset.Length; k++) offset[k] = plan.Offset(k);
            for (int axis = index.Length - 1; axis >= 0; axis--)
            {
                int i = row % plan.Dim(axis);
                row /= plan.Dim(axis);
                index[axis] = i;
                for (int k = 0; k < offset.Length; k++) offset[k] += i * plan.Stride(k, axis);
            }
        }

        /// <summary>Advances to the next row (odometer over the outer axes).</summary>
        public void Next()
        {
            for (int axis = _index.Length - 1; axis >= 0; axis--)
            {
                if (++_index[axis] < _plan.Dim(axis))
                {
                    for (int k = 0; k < Offset.Length; k++) Offset[k] += _plan.Stride(k, axis);
                    return;
                }
                _index[axis] = 0;
                for (int k = 0; k < Offset.Length; k++) Offset[k] -= (_plan.Dim(axis) - 1) * _plan.Stride(k, axis);
            }
        }
    }

    /// <summary>Copies a strided row into <paramref name="dst"/> (length = dst.Length).</summary>
    public static void GatherRow<T>(T[] src, int offset, int stride, Span<T> dst)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = src[offset + i * stride];
    }
}
