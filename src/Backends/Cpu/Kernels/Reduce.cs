using System.Numerics;
using System.Numerics.Tensors;

namespace GsdmCore.Backends.Cpu;

/// <summary>Reductions over the trailing axes of a view.</summary>
internal static class ReduceKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Few very long rows are split into fixed blocks whose partial results are combined in order:
    // parallel, yet the same for any thread count.
    private const int BlockLength = 1 << 15;

    public static void Run(ReduceOp op, T[] x, Layout xl, int reducedAxes, Array y)
    {
        if (op == ReduceOp.Sum && ColumnSum<T>.Applies(xl, reducedAxes))
        {
            ColumnSum<T>.Run(x, xl, reducedAxes, (T[])y);
            return;
        }
        int lead = xl.Rank - reducedAxes;
        int outer = Layout.ShapeCount(xl.Shape.AsSpan(0, lead));
        int length = Layout.ShapeCount(xl.Shape.AsSpan(lead));
        T[]? packed = null;
        if (!OuterIndex.TrailingIsContiguous(xl, lead))
        {
            packed = ElementwiseDriver.Rent<T>(xl.Count);
            CopyKernels.Copy(x, xl, packed, Layout.Contiguous(xl.Shape));
            x = packed;
            xl = Layout.Contiguous(xl.Shape);
        }
        try
        {
            Reduce(op, x, xl, lead, outer, length, y);
        }
        finally
        {
            if (packed != null) ElementwiseDriver.Return(packed);
        }
    }

    private static void Reduce(ReduceOp op, T[] x, Layout xl, int lead, int outer, int length, Array y)
    {

        if (op is ReduceOp.ArgMax or ReduceOp.ArgMin)
        {
            var yi = (int[])y;
            CpuParallel.For(outer, CpuParallel.Grain(length), (s, e) =>
            {
                for (int o = s; o < e; o++)
                {
                    var row = new ReadOnlySpan<T>(x, OuterIndex.Offset(xl, lead, o), length);
                    yi[o] = op == ReduceOp.ArgMax ? TensorPrimitives.IndexOfMax(row) : TensorPrimitives.IndexOfMin(row);
                }
            });
            return;
        }

        var yt = (T[])y;
        if (outer < 4 && length >= 2 * BlockLength)
        {
            int blocks = (length + BlockLength - 1) / BlockLength;
            for (int o = 0; o < outer; o++)
            {
                int start = OuterIndex.Offset(xl, lead, o);
                var partial = new T[blocks];
                CpuParallel.For(blocks, 1, (s, e) =>
                {
                    for (int b = s; b < e; b++)
                    {
                        int from = b * BlockLength;
                        partial[b] = Row(op, new ReadOnlySpan<T>(x, start + from, Math.Min(BlockLength, length - from)));
                    }
                });
                yt[o] = Row(op, partial);
            }
            return;
        }

        CpuParallel.For(outer, CpuParallel.Grain(length), (s, e) =>
        {
            for (int o = s; o < e; o++)
                yt[o] = Row(op, new ReadOnlySpan<T>(x, OuterIndex.Offset(xl, lead, o), length));
        });
    }

    private static T Row(ReduceOp op, ReadOnlySpan<T> row) => op switch
    {
        ReduceOp.Sum => TensorPrimitives.Sum(row),
        ReduceOp.Max => TensorPrimitives.Max(row),
        ReduceOp.Min => TensorPrimitives.Min(row),
        _ => throw new NotSupportedException($"cpu: reduce op {op} has no kernel."),
    };
}
