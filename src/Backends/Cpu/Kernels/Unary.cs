using System.Numerics;
using System.Numerics.Tensors;

namespace GsdmCore.Backends.Cpu;

/// <summary>Elementwise one-input kernels over any view, vectorised through TensorPrimitives where its vector code is lane-pure (see <see cref="LanePureMath{T}"/>).</summary>
internal static class UnaryKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run(UnaryOp op, T[] x, Layout xl, T[] y)
    {
        // A contiguous input is one row (one chunk) of the plan below: skip building it.
        if (xl.IsContiguous)
        {
            if (xl.Count == 0) return; // an empty view's offset may lie past its buffer
            if (ElementwiseDriver.IsLong(xl.Count)) ApplyInSegments(op, x, xl.Offset, y, xl.Count);
            else Apply(op, new ReadOnlySpan<T>(x, xl.Offset, xl.Count), new Span<T>(y, 0, xl.Count));
            return;
        }
        var plan = new StridedPlan(xl.Shape, [xl], contiguousOutput: true);
        ElementwiseDriver.ForRows(plan, new StridedRows(op, x, plan.InnerStride(0), y));
    }

    /// <summary>Rows of y = op(x), x with inner stride <c>stride</c>, y contiguous.</summary>
    private readonly struct StridedRows(UnaryOp op, T[] x, int stride, T[] y) : IRowBody
    {
        public void Run(ReadOnlySpan<int> off, int n)
        {
            T[]? scratch = stride == 1 ? null : ElementwiseDriver.Rent<T>(n);
            var src = ElementwiseDriver.Row(x, off[0], stride, n, scratch);
            Apply(op, src, new Span<T>(y, off[1], n));
            if (scratch != null) ElementwiseDriver.Return(scratch);
        }
    }

    public static void Clamp(T[] x, Layout xl, T lo, T hi, T[] y)
    {
        var plan = new StridedPlan(xl.Shape, [xl], contiguousOutput: true);
        ElementwiseDriver.ForRows(plan, new ClampRows(x, plan.InnerStride(0), lo, hi, y));
    }

    private readonly struct ClampRows(T[] x, int stride, T lo, T hi, T[] y) : IRowBody
    {
        public void Run(ReadOnlySpan<int> off, int n)
        {
            T[]? scratch = stride == 1 ? null : ElementwiseDriver.Rent<T>(n);
            var src = ElementwiseDriver.Row(x, off[0], stride, n, scratch);
            var dst = new Span<T>(y, off[1], n);
            TensorPrimitives.Max(src, lo, dst);
            TensorPrimitives.Min(dst, hi, dst);
            if (scratch != null) ElementwiseDriver.Return(scratch);
        }
    }

    private static void ApplyInSegments(UnaryOp op, T[] x, int offset, T[] y, int count) =>
        ElementwiseDriver.ForSegments(count, new Segments(op, x, offset, y));

    /// <summary>Elements [start, end) of y = op(x) over a contiguous x from <c>offset</c> on.</summary>
    private readonly struct Segments(UnaryOp op, T[] x, int offset, T[] y) : IRangeBody
    {
        public void Run(int start, int end) => Apply(op, new ReadOnlySpan<T>(x, offset + start, end - start), new Span<T>(y, start, end - start));
    }

    /// <summary>y = op(x) over two contiguous spans (the vector code all unary kernels share).</summary>
    internal static void Apply(UnaryOp op, ReadOnlySpan<T> x, Span<T> y)
    {
        switch (op)
        {
            case UnaryOp.Neg: TensorPrimitives.Negate(x, y); break;
            case UnaryOp.Abs: TensorPrimitives.Abs(x, y); break;
            case UnaryOp.Exp: LanePureMath<T>.Exp(x, y); break;
            case UnaryOp.Log: TensorPrimitives.Log(x, y); break;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(x, y); break;
            case UnaryOp.Rsqrt: TensorPrimitives.ReciprocalSqrt(x, y); break;
            case UnaryOp.Square: SimdArithmetic<T>.Run<MulOp<T>>(x, x, y); break;
            case UnaryOp.Tanh: LanePureMath<T>.Tanh(x, y); break;
            case UnaryOp.Sigmoid or UnaryOp.Silu or UnaryOp.SiluDerivative: LogisticKernels<T>.Run(op, x, y); break;
            case UnaryOp.Relu: TensorPrimitives.Max(x, T.Zero, y); break;
            case UnaryOp.Sin: LanePureMath<T>.Sin(x, y); break;
            case UnaryOp.Cos: LanePureMath<T>.Cos(x, y); break;
            case UnaryOp.Sign:
                for (int i = 0; i < x.Length; i++)
                    y[i] = x[i] > T.Zero ? T.One : x[i] < T.Zero ? -T.One : x[i];
                break;
            default: throw new NotSupportedException($"cpu: unary op {op} has no kernel.");
        }
    }
}
