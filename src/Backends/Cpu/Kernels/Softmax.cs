using System.Numerics;
using System.Numerics.Tensors;

namespace GsdmCore.Backends.Cpu;

/// <summary>Softmax and log-softmax along the last axis, max-shifted so no exponent overflows.</summary>
internal static class SoftmaxKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run(T[] x, Layout xl, bool log, T[] y)
    {
        int lead = xl.Rank - 1;
        int length = xl.Shape[^1];
        int stride = xl.Strides[^1];
        int outer = Layout.ShapeCount(xl.Shape.AsSpan(0, lead));
        CpuParallel.For(outer, CpuParallel.Grain(length * 4), new Rows(x, xl, lead, length, stride, log, y));
    }

    /// <summary>The rows [start, end) of the [outer, length] output.</summary>
    private readonly struct Rows(T[] x, Layout xl, int lead, int length, int stride, bool log, T[] y) : IRangeBody
    {
        public void Run(int start, int end)
        {
            var scratch = ElementwiseDriver.Rent<T>(length);
            for (int o = start; o < end; o++)
            {
                var src = ElementwiseDriver.Row(x, OuterIndex.Offset(xl, lead, o), stride, length, scratch);
                var dst = new Span<T>(y, o * length, length);
                T max = TensorPrimitives.Max(src);
                TensorPrimitives.Subtract(src, max, dst);
                if (log)
                {
                    var exps = scratch.AsSpan(0, length);
                    LanePureMath<T>.Exp(dst, exps);
                    TensorPrimitives.Subtract(dst, T.Log(TensorPrimitives.Sum<T>(exps)), dst);
                }
                else
                {
                    LanePureMath<T>.Exp(dst, dst);
                    TensorPrimitives.Divide(dst, TensorPrimitives.Sum<T>(dst), dst);
                }
            }
            ElementwiseDriver.Return(scratch);
        }
    }
}
