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
            if (ElementwiseDriver.IsLong(sl.Count)) CopyInSegments(src, sl.Offset, dst, dl.Offset, sl.Count);
            else Array.Copy(src, sl.Offset, dst, dl.Offset, sl.Count);
            return;
        }
        var plan = new StridedPlan(sl.Shape, sl, dl);
        int ss = plan.InnerStride(0), ds = plan.InnerStride(1);
        ElementwiseDriver.ForRows(plan, (off, n) =>
        {
            if (sameType && ss == 1 && ds == 1)
            {
                Array.Copy(src, off[0], dst, off[1], n);
                return;
            }
            int so = off[0], d = off[1];
            for (int i = 0; i < n; i++) dst[d + i * ds] = TD.CreateTruncating(src[so + i * ss]);
        });
    }

    public static void Fill<T>(T[] dst, Layout dl, T value)
    {
        if (dl.IsContiguous)
        {
            if (dl.Count == 0) return; // an empty view's offset may lie past its buffer
            if (ElementwiseDriver.IsLong(dl.Count)) FillInSegments(dst, dl.Offset, dl.Count, value);
            else dst.AsSpan(dl.Offset, dl.Count).Fill(value);
            return;
        }
        var plan = new StridedPlan(dl.Shape, dl);
        int stride = plan.InnerStride(0);
        ElementwiseDriver.ForRows(plan, (off, n) =>
        {
            if (stride == 1) { dst.AsSpan(off[0], n).Fill(value); return; }
            for (int i = 0; i < n; i++) dst[off[0] + i * stride] = value;
        });
    }

    private static void CopyInSegments<TS, TD>(TS[] src, int srcOffset, TD[] dst, int dstOffset, int count) =>
        ElementwiseDriver.ForSegments(count, (from, n) => Array.Copy(src, srcOffset + from, dst, dstOffset + from, n));

    private static void FillInSegments<T>(T[] dst, int offset, int count, T value) =>
        ElementwiseDriver.ForSegments(count, (from, n) => dst.AsSpan(offset + from, n).Fill(value));

    public static void Arange<T>(T[] dst, int count, double start, double step) where T : unmanaged, INumberBase<T>
    {
        CpuParallel.For(count, CpuParallel.Grain(1), (s, e) =>
        {
            for (int i = s; i < e; i++) dst[i] = T.CreateTruncating(start + i * step);
        });
    }
}
