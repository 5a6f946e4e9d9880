using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>Elementwise two-input kernels with stride-0 broadcasting, vectorised through TensorPrimitives.</summary>
internal static class BinaryKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run(BinaryOp op, T[] a, Layout al, T[] b, Layout bl, T[] y)
    {
        // Contiguous operands (or a contiguous one and a broadcast scalar) form one row (one chunk) of the
        // plan below: the same computation, without building it.
        int count = al.Count;
        if (count == 0) return; // an empty view's offset may lie past its buffer
        bool ca = al.IsContiguous, cb = bl.IsContiguous;
        if ((ca && (cb || IsScalar(bl))) || (cb && IsScalar(al)))
        {
            if (ElementwiseDriver.IsLong(count)) ContiguousInSegments(op, a, al, b, bl, y, count);
            else Contiguous(op, a, al, b, bl, y, 0, count);
            return;
        }
        var plan = new StridedPlan(al.Shape, [al, bl], contiguousOutput: true);
        ElementwiseDriver.ForRows(plan, new StridedRows(op, a, plan.InnerStride(0), b, plan.InnerStride(1), y));
    }

    /// <summary>Rows of a strided op: a and b with inner strides sa and sb (0: broadcast), y contiguous.</summary>
    private readonly struct StridedRows(BinaryOp op, T[] a, int sa, T[] b, int sb, T[] y) : IRowBody
    {
        public void Run(ReadOnlySpan<int> off, int n)
        {
            var dst = new Span<T>(y, off[2], n);
            if (sa == 0 && sb == 0) { dst.Fill(Scalar(op, a[off[0]], b[off[1]])); return; }
            T[]? scratchA = sa is 0 or 1 ? null : ElementwiseDriver.Rent<T>(n);
            T[]? scratchB = sb is 0 or 1 ? null : ElementwiseDriver.Rent<T>(n);
            if (sa == 0) LeftScalar(op, a[off[0]], ElementwiseDriver.Row(b, off[1], sb, n, scratchB), dst);
            else if (sb == 0) RightScalar(op, ElementwiseDriver.Row(a, off[0], sa, n, scratchA), b[off[1]], dst);
            else Spans(op, ElementwiseDriver.Row(a, off[0], sa, n, scratchA), ElementwiseDriver.Row(b, off[1], sb, n, scratchB), dst);
            if (scratchA != null) ElementwiseDriver.Return(scratchA);
            if (scratchB != null) ElementwiseDriver.Return(scratchB);
        }
    }

    /// <summary>
    /// Elements [from, from + n) of an op whose operands are each contiguous or a broadcast scalar (not both scalars).
    /// </summary>
    private static void Contiguous(BinaryOp op, T[] a, Layout al, T[] b, Layout bl, T[] y, int from, int n)
    {
        var dst = new Span<T>(y, from, n);
        if (!al.IsContiguous) LeftScalar(op, a[al.Offset], new ReadOnlySpan<T>(b, bl.Offset + from, n), dst);
        else if (!bl.IsContiguous) RightScalar(op, new ReadOnlySpan<T>(a, al.Offset + from, n), b[bl.Offset], dst);
        else Spans(op, new ReadOnlySpan<T>(a, al.Offset + from, n), new ReadOnlySpan<T>(b, bl.Offset + from, n), dst);
    }

    private static void ContiguousInSegments(BinaryOp op, T[] a, Layout al, T[] b, Layout bl, T[] y, int count) =>
        ElementwiseDriver.ForSegments(count, new ContiguousSegments(op, a, al, b, bl, y));

    private readonly struct ContiguousSegments(BinaryOp op, T[] a, Layout al, T[] b, Layout bl, T[] y) : IRangeBody
    {
        public void Run(int start, int end) => Contiguous(op, a, al, b, bl, y, start, end - start);
    }

    public static void Where(T[] c, Layout cl, T[] a, Layout al, T[] b, Layout bl, T[] y)
    {
        var plan = new StridedPlan(cl.Shape, [cl, al, bl], contiguousOutput: true);
        ElementwiseDriver.ForRows(plan, new WhereRows(c, plan.InnerStride(0), a, plan.InnerStride(1), b, plan.InnerStride(2), y));
    }

    /// <summary>Rows of y = c != 0 ? a : b, the inputs with inner strides sc, sa and sb.</summary>
    private readonly struct WhereRows(T[] c, int sc, T[] a, int sa, T[] b, int sb, T[] y) : IRowBody
    {
        public void Run(ReadOnlySpan<int> off, int n)
        {
            int oc = off[0], oa = off[1], ob = off[2], oy = off[3];
            int i = 0;
            if (sc == 1 && sa == 1 && sb == 1) i = SelectVectors(c.AsSpan(oc, n), a.AsSpan(oa, n), b.AsSpan(ob, n), y.AsSpan(oy, n));
            for (; i < n; i++)
                y[oy + i] = c[oc + i * sc] != T.Zero ? a[oa + i * sa] : b[ob + i * sb];
        }
    }

    /// <summary>
    /// y = c != 0 ? a : b over the whole vectors of unit-stride rows (NaN counts as non-zero, -0 as zero, as in the
    /// scalar loop); returns how many elements it did.
    /// </summary>
    private static int SelectVectors(ReadOnlySpan<T> c, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y)
    {
        if (!Vector256.IsHardwareAccelerated) return 0;
        int w = Vector256<T>.Count, i = 0;
        ref T c0 = ref MemoryMarshal.GetReference(c);
        ref T a0 = ref MemoryMarshal.GetReference(a);
        ref T b0 = ref MemoryMarshal.GetReference(b);
        ref T y0 = ref MemoryMarshal.GetReference(y);
        for (; i + w <= y.Length; i += w)
        {
            var zero = Vector256.Equals(Vector256.LoadUnsafe(ref c0, (nuint)i), Vector256<T>.Zero);
            Vector256.ConditionalSelect(zero, Vector256.LoadUnsafe(ref b0, (nuint)i), Vector256.LoadUnsafe(ref a0, (nuint)i)).StoreUnsafe(ref y0, (nuint)i);
        }
        return i;
    }

    /// <summary>Every element is the one at the offset (all strides 0), and there is at least one.</summary>
    private static bool IsScalar(Layout l)
    {
        if (l.Count == 0) return false;
        foreach (var s in l.Strides)
            if (s != 0) return false;
        return true;
    }

    /// <summary>y = a op b over three contiguous spans.</summary>
    internal static void Spans(BinaryOp op, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y)
    {
        switch (op)
        {
            case BinaryOp.Add: SimdArithmetic<T>.Run<AddOp<T>>(a, b, y); break;
            case BinaryOp.Sub: SimdArithmetic<T>.Run<SubOp<T>>(a, b, y); break;
            case BinaryOp.Mul: SimdArithmetic<T>.Run<MulOp<T>>(a, b, y); break;
            case BinaryOp.Div: SimdArithmetic<T>.Run<DivOp<T>>(a, b, y); break;
            case BinaryOp.Pow: TensorPrimitives.Pow(a, b, y); break;
            case BinaryOp.Maximum: TensorPrimitives.Max(a, b, y); break;
            case BinaryOp.Minimum: TensorPrimitives.Min(a, b, y); break;
            default:
                for (int i = 0; i < y.Length; i++) y[i] = Scalar(op, a[i], b[i]);
                break;
        }
    }

    private static void RightScalar(BinaryOp op, ReadOnlySpan<T> a, T b, Span<T> y)
    {
        switch (op)
        {
            case BinaryOp.Add: SimdArithmetic<T>.Run<AddOp<T>>(a, b, y); break;
            case BinaryOp.Sub: SimdArithmetic<T>.Run<SubOp<T>>(a, b, y); break;
            case BinaryOp.Mul: SimdArithmetic<T>.Run<MulOp<T>>(a, b, y); break;
            case BinaryOp.Div: SimdArithmetic<T>.Run<DivOp<T>>(a, b, y); break;
            case BinaryOp.Pow: TensorPrimitives.Pow(a, b, y); break;
            case BinaryOp.Maximum: TensorPrimitives.Max(a, b, y); break;
            case BinaryOp.Minimum: TensorPrimitives.Min(a, b, y); break;
            default:
                for (int i = 0; i < y.Length; i++) y[i] = Scalar(op, a[i], b);
                break;
        }
    }

    private static void LeftScalar(BinaryOp op, T a, ReadOnlySpan<T> b, Span<T> y)
    {
        switch (op)
        {
            case BinaryOp.Add: SimdArithmetic<T>.Run<AddOp<T>>(a, b, y); break;
            case BinaryOp.Sub: SimdArithmetic<T>.Run<SubOp<T>>(a, b, y); break;
            case BinaryOp.Mul: SimdArithmetic<T>.Run<MulOp<T>>(a, b, y); break;
            case BinaryOp.Div: SimdArithmetic<T>.Run<DivOp<T>>(a, b, y); break;
            case BinaryOp.Pow: TensorPrimitives.Pow(a, b, y); break;
            case BinaryOp.Maximum: TensorPrimitives.Max(b, a, y); break;
            case BinaryOp.Minimum: TensorPrimitives.Min(b, a, y); break;
            default:
                for (int i = 0; i < y.Length; i++) y[i] = Scalar(op, a, b[i]);
                break;
        }
    }

    /// <summary>The scalar definition of every op; also the semantics the vector paths must match.</summary>
    public static T Scalar(BinaryOp op, T a, T b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Pow => T.Pow(a, b),
        BinaryOp.Maximum => T.IsNaN(a) || T.IsNaN(b) ? T.NaN : T.Max(a, b),
        BinaryOp.Minimum => T.IsNaN(a) || T.IsNaN(b) ? T.NaN : T.Min(a, b),
        BinaryOp.Eq => a == b ? T.One : T.Zero,
        BinaryOp.Ne => a != b ? T.One : T.Zero,
        BinaryOp.Lt => a < b ? T.One : T.Zero,
        BinaryOp.Le => a <= b ? T.One : T.Zero,
        BinaryOp.Gt => a > b ? T.One : T.Zero,
        BinaryOp.Ge => a >= b ? T.One : T.Zero,
        _ => throw new NotSupportedException($"cpu: binary op {op} has no kernel."),
    };
}
