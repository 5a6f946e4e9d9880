using System.Numerics;

namespace GsdmCore.Backends.Cpu;

/// <summary>View-to-view copies (with element-type conversion) and fills.</summary>
internal static class CopyKernels
{
    public static void Copy<TS, TD>(TS[] src, Layout sl, TD[] dst, Layout dl)
        where TS : unmanaged, INumberBase<TS> where TD : unmanaged, INumberBase<TD>
    {
        bool sameType = typeof(TS) == typeof(TD);
        if (sameType && sl.IsContiguous && dl.IsContiguous)
        {
            if (sl.Count == 0) return; // an empty view's offset may lie past its buffer
            // One row of the plan below.
            if (ElementwiseDriver.IsLong(sl.Count)) ElementwiseDriver.ForSegments(sl.Count, new CopySegments<TS, TD>(src, sl.Offset, dst, dl.Offset));
            else Array.Copy(src, sl.Offset, dst, dl.Offset, sl.Count);
            return;
        }
        var plan = new StridedPlan(sl.Shape, [sl, dl]);
        ElementwiseDriver.ForRows(plan, new CopyRows<TS, TD>(src, plan.InnerStride(0), dst, plan.InnerStride(1)));
    }

    public static void Fill<T>(T[] dst, Layout dl, T value)
    {
        if (dl.IsContiguous)
        {
            if (dl.Count == 0) return; // an empty view's offset may lie past its buffer
            if (ElementwiseDriver.IsLong(dl.Count)) ElementwiseDriver.ForSegments(dl.Count, new FillSegments<T>(dst, dl.Offset, value));
            else dst.AsSpan(dl.Offset, dl.Count).Fill(value);
            return;
        }
        var plan = new StridedPlan(dl.Shape, [dl]);
        ElementwiseDriver.ForRows(plan, new FillRows<T>(dst, plan.InnerStride(0), value));
    }

    /// <summary>Rows of a strided copy, converting each element (or copying whole rows, when unit-stride and of one type).</summary>
    private readonly struct CopyRows<TS, TD>(TS[] src, int ss, TD[] dst, int ds) : IRowBody
        where TS : unmanaged, INumberBase<TS> where TD : unmanaged, INumberBase<TD>
    {
        public void Run(ReadOnlySpan<int> off, int n)
        {
            if (typeof(TS) == typeof(TD) && ss == 1 && ds == 1)
            {
                Array.Copy(src, off[0], dst, off[1], n);
                return;
            }
            int so = off[0], d = off[1];
            for (int i = 0; i < n; i++) dst[d + i * ds] = TD.CreateTruncating(src[so + i * ss]);
        }
    }

    private readonly struct FillRows<T>(T[] dst, int stride, T value) : IRowBody
    {
        public void Run(ReadOnlySpan<int> off, int n)
        {
            if (stride == 1) { dst.AsSpan(off[0], n).Fill(value); return; }
            for (int i = 0; i < n; i++) dst[off[0] + i * stride] = value;
        }
    }

    private readonly struct CopySegments<TS, TD>(TS[] src, int srcOffset, TD[] dst, int dstOffset) : IRangeBody
    {
        public void Run(int start, int end) => Array.Copy(src, srcOffset + start, dst, dstOffset + start, end - start);
    }

    private readonly struct FillSegments<T>(T[] dst, int offset, T value) : IRangeBody
    {
        public void Run(int start, int end) => dst.AsSpan(offset + start, end - start).Fill(value);
    }

    public static void Arange<T>(T[] dst, int count, double start, double step) where T : unmanaged, INumberBase<T> =>
        CpuParallel.For(count, CpuParallel.Grain(1), new ArangeRange<T>(dst, start, step));

    /// <summary>dst[i] = start + i step for the items of one chunk.</summary>
    private readonly struct ArangeRange<T>(T[] dst, double start, double step) : IRangeBody where T : unmanaged, INumberBase<T>
    {
        public void Run(int from, int end)
        {
            for (int i = from; i < end; i++) dst[i] = T.CreateTruncating(start + i * step);
        }
    }
}
