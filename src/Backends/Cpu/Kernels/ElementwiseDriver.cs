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
