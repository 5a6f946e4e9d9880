using System.Buffers;
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
            var contiguous = Layout.Contiguous(xl.Shape);
            CopyKernels.Copy(x, xl, packed, contiguous);
            x = packed;
            xl = contiguous;
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
            CpuParallel.For(outer, CpuParallel.Grain(length), new ArgRows(op, x, xl, lead, length, (int[])y));
            return;
        }

        var yt = (T[])y;
        if (outer < 4 && length >= 2 * BlockLength)
        {
            int blocks = (length + BlockLength - 1) / BlockLength;
            var partial = ArrayPool<T>.Shared.Rent(blocks);
            for (int o = 0; o < outer; o++)
            {
                CpuParallel.For(blocks, 1, new Blocks(op, x, OuterIndex.Offset(xl, lead, o), length, partial));
                yt[o] = Row(op, partial.AsSpan(0, blocks));
            }
            ArrayPool<T>.Shared.Return(partial);
            return;
        }

        CpuParallel.For(outer, CpuParallel.Grain(length), new Rows(op, x, xl, lead, length, yt));
    }

    /// <summary>y[o] = the index of the largest (ArgMax) or smallest (ArgMin) element of row o, for the rows [start, end).</summary>
    private readonly struct ArgRows(ReduceOp op, T[] x, Layout xl, int lead, int length, int[] y) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int o = start; o < end; o++)
            {
                var row = new ReadOnlySpan<T>(x, OuterIndex.Offset(xl, lead, o), length);
                y[o] = op == ReduceOp.ArgMax ? TensorPrimitives.IndexOfMax(row) : TensorPrimitives.IndexOfMin(row);
            }
        }
    }

    /// <summary>partial[b] = the reduction of block b of the row of <c>length</c> elements at <c>from</c>.</summary>
    private readonly struct Blocks(ReduceOp op, T[] x, int from, int length, T[] partial) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int b = start; b < end; b++)
            {
                int at = b * BlockLength;
                partial[b] = Row(op, new ReadOnlySpan<T>(x, from + at, Math.Min(BlockLength, length - at)));
            }
        }
    }

    /// <summary>y[o] = the reduction of row o, for the rows [start, end).</summary>
    private readonly struct Rows(ReduceOp op, T[] x, Layout xl, int lead, int length, T[] y) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int o = start; o < end; o++)
                y[o] = Row(op, new ReadOnlySpan<T>(x, OuterIndex.Offset(xl, lead, o), length));
        }
    }

    private static T Row(ReduceOp op, ReadOnlySpan<T> row) => op switch
    {
        ReduceOp.Sum => TensorPrimitives.Sum(row),
        ReduceOp.Max => TensorPrimitives.Max(row),
        ReduceOp.Min => TensorPrimitives.Min(row),
        _ => throw new NotSupportedException($"cpu: reduce op {op} has no kernel."),
    };
}
