using ILGPU;

namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>View-to-view copies with dtype conversion, fills and ranges.</summary>
internal static class CopyKernels
{
    /// <summary>dst[view i] = convert(src[view i]); conversion through double (exact for F32 and I32).</summary>
    public static void Copy<TS, TSOps, TD, TDOps>(Index1D i, ArrayView<TS> src, Strides8 ss, ArrayView<TD> dst, Strides8 sd, Dims8 dims, int contiguous)
        where TS : unmanaged where TSOps : struct, INumberOps<TS> where TD : unmanaged where TDOps : struct, INumberOps<TD>
    {
        int from, to;
        if (contiguous != 0)
        {
            from = ss.Offset + i;
            to = sd.Offset + i;
        }
        else
        {
            var c = dims.Coords(i);
            from = ss.At(c);
            to = sd.At(c);
        }
        dst[to] = default(TDOps).FromDouble(default(TSOps).ToDouble(src[from]));
    }

    /// <summary>dst[view i] = value.</summary>
    public static void Fill<T>(Index1D i, ArrayView<T> dst, Strides8 sd, Dims8 dims, int contiguous, T value) where T : unmanaged
    {
        int to = contiguous != 0 ? sd.Offset + i : sd.At(dims.Coords(i));
        dst[to] = value;
    }

    /// <summary>dst[i] = start + i * step, computed in double like the CPU backend.</summary>
    public static void Arange<T, TOps>(Index1D i, ArrayView<T> dst, double start, double step)
        where T : unmanaged where TOps : struct, INumberOps<T>
    {
        dst[i] = default(TOps).FromDouble(start + (int)i * step);
    }
}
