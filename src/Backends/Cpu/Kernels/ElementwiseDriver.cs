using System.Buffers;

namespace GsdmCore.Backends.Cpu;

/// <summary>The body of <see cref="ElementwiseDriver.ForRows{TRow}"/>: one call per row of a plan.</summary>
internal interface IRowBody
{
    /// <summary>Does one row: the start offset of each operand, and the row's length.</summary>
    void Run(ReadOnlySpan<int> offsets, int length);
}

/// <summary>Row loop shared by the elementwise kernels: contiguous output, any number of strided inputs.</summary>
internal static class ElementwiseDriver
{
    /// <summary>
    /// Calls <paramref name="row"/>.Run(cursor offsets, inner length) for every row of the plan, in fixed chunks.
    /// The last operand of the plan is the contiguous output.
    /// </summary>
    public static void ForRows<TRow>(StridedPlan plan, TRow row) where TRow : struct, IRowBody
    {
        if (plan.Rows == 1 && IsLong(plan.Inner))
        {
            ForSegments(plan.Inner, new RowSegments<TRow>(plan, row));
            return;
        }
        CpuParallel.For(plan.Rows, CpuParallel.Grain(plan.Inner), new Rows<TRow>(plan, row));
    }

    /// <summary>The rows [start, end) of <see cref="ForRows{TRow}"/>'s plan, walked with a cursor.</summary>
    private readonly struct Rows<TRow>(StridedPlan plan, TRow row) : IRangeBody where TRow : struct, IRowBody
    {
        public void Run(int start, int end)
        {
            var body = row;
            var cursor = new StridedPlan.Cursor(in plan, start, stackalloc int[plan.Rank - 1], stackalloc int[plan.OperandCount]);
            for (int r = start; r < end; r++)
            {
                body.Run(cursor.Offset, plan.Inner);
                cursor.Next();
            }
        }
    }

    /// <summary>
    /// Elements per work item when a single long row is split: the cost <see cref="CpuParallel.Grain"/> gives one item,
    /// a whole number of cache lines.
    /// </summary>
    private const int SegmentLength = 32768;

    /// <summary>Whether a contiguous run of <paramref name="count"/> elements is long enough to split (<see cref="ForSegments{TBody}"/>).</summary>
    public static bool IsLong(int count) => count >= 2 * SegmentLength;

    /// <summary>
    /// Calls <paramref name="segment"/>.Run(start, end) over [0, <paramref name="count"/>) in segments of a fixed
    /// length, in parallel: for the contiguous fast paths of the elementwise kernels, which would otherwise run a
    /// whole tensor on the calling thread. Callers take this path only when <see cref="IsLong"/> holds.
    /// </summary>
    public static void ForSegments<TBody>(int count, TBody segment) where TBody : struct, IRangeBody =>
        CpuParallel.For(count, SegmentLength, segment);

    /// <summary>
    /// A plan of one long row (a whole contiguous tensor, merged into one axis) in segments, so that it does not run
    /// on one thread. Each element is still computed by the same row function, so results do not change.
    /// </summary>
    private readonly struct RowSegments<TRow>(StridedPlan plan, TRow row) : IRangeBody where TRow : struct, IRowBody
    {
        public void Run(int start, int end)
        {
            Span<int> offsets = stackalloc int[plan.OperandCount];
            for (int k = 0; k < offsets.Length; k++) offsets[k] = plan.Offset(k) + start * plan.InnerStride(k);
            row.Run(offsets, end - start);
        }
    }

    /// <summary>The row of operand data as a span: itself when unit-stride, else gathered into scratch.</summary>
    public static ReadOnlySpan<T> Row<T>(T[] data, int offset, int stride, int length, Span<T> scratch)
    {
        if (stride == 1) return new ReadOnlySpan<T>(data, offset, length);
        var s = scratch[..length];
        StridedPlan.GatherRow(data, offset, stride, s);
        return s;
    }

    /// <summary>Rents a scratch row; return it with <see cref="Return{T}"/>.</summary>
    public static T[] Rent<T>(int length) => ArrayPool<T>.Shared.Rent(Math.Max(length, 1));

    /// <summary>Returns a scratch row.</summary>
    public static void Return<T>(T[] scratch) => ArrayPool<T>.Shared.Return(scratch);
}
