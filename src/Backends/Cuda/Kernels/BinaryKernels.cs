using ILGPU;

namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>Two- and three-input elementwise kernels; inputs are already broadcast (stride 0), output contiguous.</summary>
internal static class BinaryKernels
{
    /// <summary>y[i] = a[view i] op b[view i].</summary>
    public static void Binary<T, TOps>(Index1D i, ArrayView<T> a, Strides8 sa, ArrayView<T> b, Strides8 sb, Dims8 dims, int contiguous, int op, ArrayView<T> y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int ia, ib;
        if (contiguous != 0)
        {
            ia = sa.Offset + i;
            ib = sb.Offset + i;
        }
        else
        {
            var c = dims.Coords(i);
            ia = sa.At(c);
            ib = sb.At(c);
        }
        y[i] = ElementMath.Binary<T, TOps>(op, a[ia], b[ib]);
    }

    /// <summary>y[i] = cond[view i] != 0 ? a[view i] : b[view i].</summary>
    public static void Where<T, TOps>(Index1D i, ArrayView<T> cond, Strides8 sc, ArrayView<T> a, Strides8 sa, ArrayView<T> b, Strides8 sb, Dims8 dims, int contiguous, ArrayView<T> y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        int ic, ia, ib;
        if (contiguous != 0)
        {
            ic = sc.Offset + i;
            ia = sa.Offset + i;
            ib = sb.Offset + i;
        }
        else
        {
            var c = dims.Coords(i);
            ic = sc.At(c);
            ia = sa.At(c);
            ib = sb.At(c);
        }
        var m = default(TOps);
        y[i] = m.Equal(cond[ic], m.Zero) ? b[ib] : a[ia];
    }
}
