using System.Buffers;

namespace GsdmCore.Backends.Cpu;

/// <summary>One row of a plan: the start offset of each operand, and the row's length.</summary>
internal delegate void RowAction(ReadOnlySpan<int> offsets, int length);

/// <summary>Row loop shared by the elementwise kernels: contiguous output, any number of strided inputs.</summary>
internal static class ElementwiseDriver
{
    /// <summary>
    /// Calls <paramref name="row"/>(cursor offsets, inner length) for every row of the plan, in fixed chunks.
    /// The last operand of the plan is the contiguous output.
    /// </summary>
    public static void ForRows(StridedPlan plan, RowAction row)
    {
        if (plan.Rows == 1 && IsLong(plan.Inner))
        {
            ForSegments(plan, row);
            return;
        }
        int grain = CpuParallel.Grain(plan.Inner);
        CpuParallel.For(plan.Rows, grain, (start, end) =>
        {
            var cursor = new StridedPlan.Cursor(plan, start, stackalloc int[plan.Dims.Length - 1], stackalloc int[plan.Offsets.Length]);
            for (int r = start; r < end; r++)
            {
                row(cursor.Offset, plan.Inner);
                cursor.Next();
            }
        });
    }

    /// <summary>
    /// Elements per work item when a single long row is split: the cost <see cref="CpuParallel.Grain"/> gives one item,
    /// a whole number of cache lines.
    /// </summary>
    private const int SegmentLength = 32768;

    /// <summary>Whether a contiguous run of <paramref name="count"/> elements is long enough to split (<see cref="ForSegments(int, Action{int, int})"/>).</summary>
    public static bool IsLong(int count) => count >= 2 * SegmentLength;

    /// <summary>
    /// Calls <paramref name="segment"/>(start, length) over [0, <paramref name="count"/>) in segments of a fixed
    /// length, in parallel: for the contiguous fast paths of the elementwise kernels, which would otherwise run a
    /// whole tensor on the calling thread. Callers take this path only when <see cref="IsLong"/> holds, so that short
    /// runs allocate no closure.
    /// </summary>
    public static void ForSegments(int count, Action<int, int> segment)
    {
        int segments = (count + SegmentLength - 1) / SegmentLength;
        CpuParallel.For(segments, 1, (start, end) =>
        {
            for (int s = start; s < end; s++) segment(s * SegmentLength, Math.Min(SegmentLength, count - s * SegmentLength));
        });
    }

    /// <summary>
    /// A plan of one long row (a whole contiguous tensor, merged into one axis) in segments, so that it does not run
    /// on one thread. Each element is still computed by the same row function, so results do not change.
    /// </summary>
    private static void ForSegments(StridedPlan plan, RowAction row) =>
        ForSegments(plan.Inner, (from, length) =>
        {
            Span<int> offsets = stackalloc int[plan.Offsets.Length];
            for (int k = 0; k < offsets.Length; k++) offsets[k] = plan.Offsets[k] + from * plan.InnerStride(k);
            row(offsets, length);
        });

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
