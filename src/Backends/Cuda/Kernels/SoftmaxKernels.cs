using ILGPU;

namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>
/// Softmax / log-softmax along the last axis, max-shifted like the CPU kernel: rows are segments of a group
/// (see <see cref="ReduceKernels"/>); each row takes a max pass, a sum-of-exponentials pass and a write pass.
/// </summary>
internal static class SoftmaxKernels
{
    public static void Softmax<T, TOps>(ArrayView<T> x, Strides8 rows, Dims8 rowDims, int stride,
        int outer, int length, int lanes, int log, ArrayView<T> y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var shared = SharedMemory.Allocate<T>(ReduceKernels.MaxGroup);
        var m = default(TOps);
        int t = Group.IdxX;
        int lane = t & (lanes - 1);
        int row = Grid.IdxX * (Group.DimX / lanes) + t / lanes;
        bool valid = row < outer;
        int rowBase = valid ? rows.At(rowDims.Coords(row)) : 0;

        T max = m.NegativeInfinity;
        if (valid)
            for (int k = lane; k < length; k += lanes) max = ElementMath.Max<T, TOps>(max, x[rowBase + k * stride]);
        max = ReduceKernels.SegmentReduce<T, TOps>(shared, t, lane, lanes, max, (int)ReduceOp.Max);

        T sum = m.Zero;
        if (valid)
            for (int k = lane; k < length; k += lanes) sum = m.Add(sum, m.Exp(m.Sub(x[rowBase + k * stride], max)));
        sum = ReduceKernels.SegmentReduce<T, TOps>(shared, t, lane, lanes, sum, (int)ReduceOp.Sum);

        if (!valid) return;
        int outBase = row * length;
        if (log != 0)
        {
            T logSum = m.Log(sum);
            for (int k = lane; k < length; k += lanes) y[outBase + k] = m.Sub(m.Sub(x[rowBase + k * stride], max), logSum);
        }
        else
        {
            for (int k = lane; k < length; k += lanes) y[outBase + k] = m.Div(m.Exp(m.Sub(x[rowBase + k * stride], max)), sum);
        }
    }
}
