using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>Host memory of the scalar reference: every dtype stored as double, rounded to the dtype on write.</summary>
public sealed class ScalarBuffer : IBuffer
{
    public ScalarBuffer(ScalarBackend backend, DType dtype, int length)
    {
        Backend = backend;
        DType = dtype;
        Length = length;
        Data = new double[length];
    }

    public DType DType { get; }
    public int Length { get; }
    public Backend Backend { get; }
    public double[] Data { get; }

    public void Dispose() { }
}

/// <summary>
/// The naive reference: plain scalar loops over multi-indices, float64 arithmetic, results rounded to the
/// buffer's dtype. Slow and obviously right; it is what the CPU backend is checked against.
/// </summary>
public sealed partial class ScalarBackend : Backend
{
    public static ScalarBackend Instance { get; } = new();

    public override string Name => "scalar-reference";

    public override IBuffer Allocate(int count, DType dtype) => new ScalarBuffer(this, dtype, count);

    public override void Upload<T>(ReadOnlySpan<T> src, IBuffer dst)
    {
        var d = B(dst);
        for (int i = 0; i < src.Length; i++) d.Data[i] = ToDouble(src[i]);
    }

    public override void Download<T>(IBuffer src, Layout layout, Span<T> dst)
    {
        var s = B(src);
        var want = DTypeInfo.Of<T>();
        int i = 0;
        foreach (var at in Offsets(layout)) dst[i++] = FromDouble<T>(Round(want, s.Data[at]));
    }

    public override void Copy(IBuffer src, Layout srcLayout, IBuffer dst, Layout dstLayout)
    {
        var (s, d) = (B(src), B(dst));
        var from = Offsets(srcLayout).ToArray();
        var to = Offsets(dstLayout).ToArray();
        for (int i = 0; i < from.Length; i++) d.Data[to[i]] = Round(d.DType, s.Data[from[i]]);
    }

    public override void Fill(IBuffer dst, Layout layout, double value)
    {
        var d = B(dst);
        foreach (var at in Offsets(layout)) d.Data[at] = Round(d.DType, value);
    }

    public override void Arange(IBuffer dst, int count, double start, double step)
    {
        var d = B(dst);
        for (int i = 0; i < count; i++) d.Data[i] = Round(d.DType, start + i * step);
    }

    public override void Random(RandomKind kind, IBuffer dst, int count, ulong seed, ulong offset)
    {
        var d = B(dst);
        if (!d.DType.IsFloat()) throw new TensorDTypeException("random", "random fills need a float dtype (F32 or F64).");
        for (int i = 0; i < count; i++)
        {
            ulong index = offset + (ulong)i;
            d.Data[i] = Round(d.DType, kind == RandomKind.Uniform ? Philox.Uniform(seed, index) : Philox.Normal(seed, index));
        }
    }

    public override void Unary(UnaryOp op, IBuffer x, Layout xl, IBuffer y)
    {
        var (bx, by) = (Float(B(x), op.ToString().ToLowerInvariant()), B(y));
        int i = 0;
        foreach (var at in Offsets(xl)) by.Data[i++] = Round(by.DType, ScalarOps.Unary(op, bx.Data[at]));
    }

    public override void Clamp(IBuffer x, Layout xl, double lo, double hi, IBuffer y)
    {
        var (bx, by) = (Float(B(x), "clamp"), B(y));
        lo = Round(bx.DType, lo);
        hi = Round(bx.DType, hi);
        int i = 0;
        foreach (var at in Offsets(xl))
        {
            double v = bx.Data[at];
            v = v < lo ? lo : v;
            by.Data[i++] = v > hi ? hi : v;
        }
    }

    public override void Binary(BinaryOp op, IBuffer a, Layout al, IBuffer b, Layout bl, IBuffer y)
    {
        var (ba, bb, by) = (Float(B(a), op.ToString().ToLowerInvariant()), B(b), B(y));
        var ia = Offsets(al).ToArray();
        var ib = Offsets(bl).ToArray();
        for (int i = 0; i < ia.Length; i++) by.Data[i] = Round(by.DType, ScalarOps.Binary(op, ba.Data[ia[i]], bb.Data[ib[i]]));
    }

    public override void Where(IBuffer cond, Layout cl, IBuffer a, Layout al, IBuffer b, Layout bl, IBuffer y)
    {
        var (bc, ba, bb, by) = (B(cond), Float(B(a), "where"), B(b), B(y));
        var ic = Offsets(cl).ToArray();
        var ia = Offsets(al).ToArray();
        var ib = Offsets(bl).ToArray();
        for (int i = 0; i < ic.Length; i++) by.Data[i] = bc.Data[ic[i]] != 0 ? ba.Data[ia[i]] : bb.Data[ib[i]];
    }

    public override void Reduce(ReduceOp op, IBuffer x, Layout xl, int reducedAxes, IBuffer y)
    {
        var (bx, by) = (Float(B(x), op.ToString().ToLowerInvariant()), B(y));
        foreach (var (o, row) in Rows(xl, reducedAxes))
        {
            double acc = op switch { ReduceOp.Max => double.NegativeInfinity, ReduceOp.Min => double.PositiveInfinity, _ => 0 };
            int best = -1;
            for (int k = 0; k < row.Length; k++)
            {
                double v = bx.Data[row[k]];
                switch (op)
                {
                    case ReduceOp.Sum: acc += v; break;
                    case ReduceOp.Max: acc = double.IsNaN(acc) || double.IsNaN(v) ? double.NaN : Math.Max(acc, v); break;
                    case ReduceOp.Min: acc = double.IsNaN(acc) || double.IsNaN(v) ? double.NaN : Math.Min(acc, v); break;
                    default:
                        if (best < 0) { best = k; acc = v; break; }
                        if (double.IsNaN(acc)) break;
                        // +0 counts as greater than -0, like TensorPrimitives.IndexOfMax / IndexOfMin.
                        double kv = v == 0 && acc == 0 ? 1 / v : v, ka = v == 0 && acc == 0 ? 1 / acc : acc;
                        if (double.IsNaN(v) || (op == ReduceOp.ArgMax ? kv > ka : kv < ka)) { best = k; acc = v; }
                        break;
                }
            }
            by.Data[o] = op is ReduceOp.ArgMax or ReduceOp.ArgMin ? best : Round(by.DType, acc);
        }
    }

    public override void Softmax(IBuffer x, Layout xl, bool log, IBuffer y)
    {
        var (bx, by) = (Float(B(x), log ? "log_softmax" : "softmax"), B(y));
        foreach (var (o, row) in Rows(xl, 1))
        {
            double max = double.NegativeInfinity;
            foreach (var at in row) max = double.IsNaN(bx.Data[at]) ? double.NaN : Math.Max(max, bx.Data[at]);
            double sum = 0;
            foreach (var at in row) sum += Math.Exp(bx.Data[at] - max);
            for (int k = 0; k < row.Length; k++)
            {
                double shifted = bx.Data[row[k]] - max;
                by.Data[o * row.Length + k] = Round(by.DType, log ? shifted - Math.Log(sum) : Math.Exp(shifted) / sum);
            }
        }
    }

    public override void Matmul(IBuffer a, IBuffer b, IBuffer c, in MatmulDims d)
    {
        var (ba, bb, bc) = (Float(B(a), "matmul"), B(b), B(c));
        for (int batch = 0; batch < d.Batch; batch++)
            for (int i = 0; i < d.M; i++)
                for (int j = 0; j < d.N; j++)
                {
                    long ic = d.OffsetC + batch * d.StrideC + (long)i * d.Ldc + j;
                    double acc = d.Accumulate ? bc.Data[ic] : 0;
                    for (int k = 0; k < d.K; k++)
                    {
                        long ia = d.OffsetA + batch * d.StrideA + (d.TransA ? (long)k * d.Lda + i : (long)i * d.Lda + k);
                        long ib = d.OffsetB + batch * d.StrideB + (d.TransB ? (long)j * d.Ldb + k : (long)k * d.Ldb + j);
                        acc += ba.Data[ia] * bb.Data[ib];
                    }
                    bc.Data[ic] = Round(bc.DType, acc);
                }
    }

    public override void IndexSelect(IBuffer src, int outer, int n, int inner, IBuffer idx, int m, IBuffer dst)
    {
        var (s, ix, d) = (B(src), B(idx), B(dst));
        CheckRange("index_select", ix, m, n);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++)
                for (int k = 0; k < inner; k++)
                    d.Data[(o * m + j) * inner + k] = s.Data[(o * n + (int)ix.Data[j]) * inner + k];
    }

    public override void IndexAdd(IBuffer dst, int outer, int n, int inner, IBuffer idx, int m, IBuffer src)
    {
        var (d, ix, s) = (B(dst), B(idx), B(src));
        CheckRange("index_add", ix, m, n);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++)
                for (int k = 0; k < inner; k++)
                {
                    int at = (o * n + (int)ix.Data[j]) * inner + k;
                    d.Data[at] = Round(d.DType, d.Data[at] + s.Data[(o * m + j) * inner + k]);
                }
    }

    public override void Gather(IBuffer src, int outer, int n, int inner, IBuffer idx, int m, IBuffer dst)
    {
        var (s, ix, d) = (B(src), B(idx), B(dst));
        CheckRange("gather", ix, outer * m * inner, n);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++)
                for (int k = 0; k < inner; k++)
                {
                    int at = (o * m + j) * inner + k;
                    d.Data[at] = s.Data[(o * n + (int)ix.Data[at]) * inner + k];
                }
    }

    public override void ScatterAdd(IBuffer dst, int outer, int n, int inner, IBuffer idx, int m, IBuffer src)
    {
        var (d, ix, s) = (B(dst), B(idx), B(src));
        CheckRange("scatter_add", ix, outer * m * inner, n);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++)
                for (int k = 0; k < inner; k++)
                {
                    int from = (o * m + j) * inner + k;
                    int to = (o * n + (int)ix.Data[from]) * inner + k;
                    d.Data[to] = Round(d.DType, d.Data[to] + s.Data[from]);
                }
    }

    /// <summary>Buffer offsets of a layout's elements in row-major order.</summary>
    public static IEnumerable<int> Offsets(Layout layout)
    {
        int count = layout.Count;
        var index = new int[layout.Rank];
        for (int i = 0; i < count; i++)
        {
            int q = i;
            for (int axis = layout.Rank - 1; axis >= 0; axis--)
            {
                index[axis] = q % layout.Shape[axis];
                q /= layout.Shape[axis];
            }
            yield return layout.IndexOf(index);
        }
    }

    /// <summary>(row number, element offsets) of the rows formed by the last <paramref name="trailing"/> axes.</summary>
    private static IEnumerable<(int, int[])> Rows(Layout layout, int trailing)
    {
        int lead = layout.Rank - trailing;
        var rowLayout = new Layout(layout.Shape[..lead], layout.Strides[..lead], layout.Offset);
        var elemLayout = new Layout(layout.Shape[lead..], layout.Strides[lead..], 0);
        var elems = Offsets(elemLayout).ToArray();
        int o = 0;
        foreach (var start in Offsets(rowLayout))
        {
            var row = new int[elems.Length];
            for (int k = 0; k < row.Length; k++) row[k] = start + elems[k];
            yield return (o++, row);
        }
    }

    private static void CheckRange(string op, ScalarBuffer idx, int count, int n)
    {
        for (int j = 0; j < count; j++)
            if (idx.Data[j] < 0 || idx.Data[j] >= n)
                throw new TensorIndexException(op, $"index {(int)idx.Data[j]} at position {j} is out of range for an axis of size {n}; valid indices are 0..{n - 1}.");
    }

    /// <summary>value rounded to what <paramref name="dtype"/> can hold (F32 rounding, I32 truncation with saturation).</summary>
    public static double Round(DType dtype, double value) => dtype switch
    {
        DType.F32 => (float)value,
        DType.I32 => (int)value,
        _ => value,
    };

    private static ScalarBuffer B(IBuffer buffer) => (ScalarBuffer)buffer;

    private static ScalarBuffer Float(ScalarBuffer b, string op) => b.DType.IsFloat() ? b
        : throw new TensorDTypeException(op, "this op needs a float tensor (F32 or F64), got I32; convert with .To(DType.F32).");

    private static double ToDouble<T>(T v) where T : unmanaged => v switch
    {
        float f => f,
        double d => d,
        int i => i,
        _ => throw new NotSupportedException(typeof(T).Name),
    };

    private static T FromDouble<T>(double v) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return (T)(object)(float)v;
        if (typeof(T) == typeof(double)) return (T)(object)v;
        return (T)(object)(int)v;
    }
}

/// <summary>Scalar float64 definitions of the elementwise ops (the semantics every backend must match).</summary>
public static class ScalarOps
{
    public static double Unary(UnaryOp op, double x) => op switch
    {
        UnaryOp.Neg => -x,
        UnaryOp.Abs => Math.Abs(x),
        UnaryOp.Exp => Math.Exp(x),
        UnaryOp.Log => Math.Log(x),
        UnaryOp.Sqrt => Math.Sqrt(x),
        UnaryOp.Rsqrt => 1 / Math.Sqrt(x),
        UnaryOp.Square => x * x,
        UnaryOp.Tanh => Math.Tanh(x),
        UnaryOp.Sigmoid => 1 / (1 + Math.Exp(-x)),
        UnaryOp.Silu => x / (1 + Math.Exp(-x)),
        UnaryOp.SiluDerivative => (1 + x * (1 - 1 / (1 + Math.Exp(-x)))) / (1 + Math.Exp(-x)),
        UnaryOp.Relu => double.IsNaN(x) ? x : Math.Max(x, 0),
        UnaryOp.Sin => Math.Sin(x),
        UnaryOp.Cos => Math.Cos(x),
        UnaryOp.Sign => x > 0 ? 1 : x < 0 ? -1 : x,
        _ => throw new NotSupportedException(op.ToString()),
    };

    public static double Binary(BinaryOp op, double a, double b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Pow => Math.Pow(a, b),
        BinaryOp.Maximum => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b),
        BinaryOp.Minimum => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Min(a, b),
        BinaryOp.Eq => a == b ? 1 : 0,
        BinaryOp.Ne => a != b ? 1 : 0,
        BinaryOp.Lt => a < b ? 1 : 0,
        BinaryOp.Le => a <= b ? 1 : 0,
        BinaryOp.Gt => a > b ? 1 : 0,
        BinaryOp.Ge => a >= b ? 1 : 0,
        _ => throw new NotSupportedException(op.ToString()),
    };
}
