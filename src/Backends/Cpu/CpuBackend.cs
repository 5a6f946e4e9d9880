using System.Numerics;

namespace GsdmCore.Backends.Cpu;

/// <summary>The host backend: SIMD kernels over managed arrays, threaded in fixed chunks.</summary>
public sealed unsafe partial class CpuBackend : Backend
{
    /// <summary>The one CPU backend.</summary>
    public static CpuBackend Instance { get; } = new();

    private CpuBackend() { }

    /// <inheritdoc />
    public override string Name => "cpu";

    /// <inheritdoc />
    public override IBuffer Allocate(int count, DType dtype) => new CpuBuffer(dtype, count);

    /// <inheritdoc />
    public override void Upload<T>(ReadOnlySpan<T> src, IBuffer dst) => src.CopyTo(Cast(dst).As<T>());

    /// <inheritdoc />
    public override void Download<T>(IBuffer src, Layout layout, Span<T> dst)
    {
        using var tmp = new CpuBuffer(DTypeInfo.Of<T>(), layout.Count);
        Copy(src, layout, tmp, Layout.Contiguous(layout.Shape));
        tmp.As<T>().AsSpan().CopyTo(dst);
    }

    /// <inheritdoc />
    public override void Copy(IBuffer src, Layout srcLayout, IBuffer dst, Layout dstLayout)
    {
        var s = Cast(src);
        var d = Cast(dst);
        switch (s.Data)
        {
            case float[] f: CopyFrom(f, srcLayout, d, dstLayout); break;
            case double[] f: CopyFrom(f, srcLayout, d, dstLayout); break;
            case int[] f: CopyFrom(f, srcLayout, d, dstLayout); break;
        }
    }

    private static void CopyFrom<TS>(TS[] src, Layout sl, CpuBuffer dst, Layout dl) where TS : unmanaged, INumberBase<TS>
    {
        switch (dst.Data)
        {
            case float[] f: CopyKernels.Copy(src, sl, f, dl); break;
            case double[] f: CopyKernels.Copy(src, sl, f, dl); break;
            case int[] f: CopyKernels.Copy(src, sl, f, dl); break;
        }
    }

    /// <inheritdoc />
    public override void Fill(IBuffer dst, Layout layout, double value)
    {
        switch (Cast(dst).Data)
        {
            case float[] f: CopyKernels.Fill(f, layout, (float)value); break;
            case double[] f: CopyKernels.Fill(f, layout, value); break;
            case int[] f: CopyKernels.Fill(f, layout, (int)value); break;
        }
    }

    /// <inheritdoc />
    public override void Arange(IBuffer dst, int count, double start, double step)
    {
        switch (Cast(dst).Data)
        {
            case float[] f: CopyKernels.Arange(f, count, start, step); break;
            case double[] f: CopyKernels.Arange(f, count, start, step); break;
            case int[] f: CopyKernels.Arange(f, count, start, step); break;
        }
    }

    /// <inheritdoc />
    public override void Random(RandomKind kind, IBuffer dst, int count, ulong seed, ulong offset)
    {
        switch (Cast(dst).Data)
        {
            case float[] f: RandomKernels<float>.Run(kind, f, count, seed, offset); break;
            case double[] f: RandomKernels<double>.Run(kind, f, count, seed, offset); break;
            default: throw new TensorDTypeException("random", "random fills need a float dtype (F32 or F64).");
        }
    }

    /// <inheritdoc />
    public override void Unary(UnaryOp op, IBuffer x, Layout xl, IBuffer y)
    {
        switch (Cast(x).Data)
        {
            case float[] f: UnaryKernels<float>.Run(op, f, xl, Cast(y).As<float>()); break;
            case double[] f: UnaryKernels<double>.Run(op, f, xl, Cast(y).As<double>()); break;
            default: throw FloatOnly(op.ToString().ToLowerInvariant());
        }
    }

    /// <inheritdoc />
    public override void Clamp(IBuffer x, Layout xl, double lo, double hi, IBuffer y)
    {
        switch (Cast(x).Data)
        {
            case float[] f: UnaryKernels<float>.Clamp(f, xl, (float)lo, (float)hi, Cast(y).As<float>()); break;
            case double[] f: UnaryKernels<double>.Clamp(f, xl, lo, hi, Cast(y).As<double>()); break;
            default: throw FloatOnly("clamp");
        }
    }

    /// <inheritdoc />
    public override void Binary(BinaryOp op, IBuffer a, Layout al, IBuffer b, Layout bl, IBuffer y)
    {
        switch (Cast(a).Data)
        {
            case float[] f: BinaryKernels<float>.Run(op, f, al, Cast(b).As<float>(), bl, Cast(y).As<float>()); break;
            case double[] f: BinaryKernels<double>.Run(op, f, al, Cast(b).As<double>(), bl, Cast(y).As<double>()); break;
            default: throw FloatOnly(op.ToString().ToLowerInvariant());
        }
    }

    /// <inheritdoc />
    public override void Where(IBuffer cond, Layout cl, IBuffer a, Layout al, IBuffer b, Layout bl, IBuffer y)
    {
        switch (Cast(a).Data)
        {
            case float[] f: BinaryKernels<float>.Where(Cast(cond).As<float>(), cl, f, al, Cast(b).As<float>(), bl, Cast(y).As<float>()); break;
            case double[] f: BinaryKernels<double>.Where(Cast(cond).As<double>(), cl, f, al, Cast(b).As<double>(), bl, Cast(y).As<double>()); break;
            default: throw FloatOnly("where");
        }
    }

    /// <inheritdoc />
    public override void Reduce(ReduceOp op, IBuffer x, Layout xl, int reducedAxes, IBuffer y)
    {
        switch (Cast(x).Data)
        {
            case float[] f: ReduceKernels<float>.Run(op, f, xl, reducedAxes, Cast(y).Data); break;
            case double[] f: ReduceKernels<double>.Run(op, f, xl, reducedAxes, Cast(y).Data); break;
            default: throw FloatOnly(op.ToString().ToLowerInvariant());
        }
    }

    /// <inheritdoc />
    public override void Softmax(IBuffer x, Layout xl, bool log, IBuffer y)
    {
        switch (Cast(x).Data)
        {
            case float[] f: SoftmaxKernels<float>.Run(f, xl, log, Cast(y).As<float>()); break;
            case double[] f: SoftmaxKernels<double>.Run(f, xl, log, Cast(y).As<double>()); break;
            default: throw FloatOnly(log ? "log_softmax" : "softmax");
        }
    }

    /// <inheritdoc />
    public override void Matmul(IBuffer a, IBuffer b, IBuffer c, in MatmulDims d) => RunGemm(a, b, c, d, default);

    /// <inheritdoc />
    public override void Matmul(IBuffer a, IBuffer b, IBuffer c, in MatmulDims d, in MatmulAddends addends)
    {
        CheckFusedAddends("matmul", d, addends);
        RunGemm(a, b, c, d, addends);
    }

    /// <inheritdoc />
    /// <remarks>The GEMM sums each block of A as it packs it, so g is read from memory once for both gradients.</remarks>
    public override void MatmulWithRowSums(IBuffer a, IBuffer b, IBuffer c, in MatmulDims d, IBuffer rowSums)
    {
        CheckRowSums("matmul_row_sums", d);
        RunGemm(a, b, c, d, default, rowSums);
    }

    /// <summary>The CPU GEMM for either dtype; absent addends and row sums are null pointers.</summary>
    private static void RunGemm(IBuffer a, IBuffer b, IBuffer c, in MatmulDims d, in MatmulAddends addends, IBuffer? rowSums = null)
    {
        switch (Cast(a).Data)
        {
            case float[] fa:
                fixed (float* pa = fa, pb = Cast(b).As<float>(), pc = Cast(c).As<float>())
                fixed (float* pcol = Optional<float>(addends.Columns), padd = Optional<float>(addends.Matrix), psum = Optional<float>(rowSums))
                    Gemm.Sgemm(d.TransA, d.TransB, d.Batch, d.M, d.N, d.K, 1f,
                        pa + d.OffsetA, d.StrideA, d.Lda, pb + d.OffsetB, d.StrideB, d.Ldb, d.Accumulate ? 1f : 0f,
                        pc + d.OffsetC, d.StrideC, d.Ldc, CpuParallel.MaxThreads,
                        pcol == null ? null : pcol + addends.ColumnsOffset, padd == null ? null : padd + addends.MatrixOffset, psum);
                break;
            case double[] da:
                fixed (double* pa = da, pb = Cast(b).As<double>(), pc = Cast(c).As<double>())
                fixed (double* pcol = Optional<double>(addends.Columns), padd = Optional<double>(addends.Matrix), psum = Optional<double>(rowSums))
                    Gemm.Dgemm(d.TransA, d.TransB, d.Batch, d.M, d.N, d.K, 1.0,
                        pa + d.OffsetA, d.StrideA, d.Lda, pb + d.OffsetB, d.StrideB, d.Ldb, d.Accumulate ? 1.0 : 0.0,
                        pc + d.OffsetC, d.StrideC, d.Ldc, CpuParallel.MaxThreads,
                        pcol == null ? null : pcol + addends.ColumnsOffset, padd == null ? null : padd + addends.MatrixOffset, psum);
                break;
            default: throw FloatOnly("matmul");
        }
    }

    /// <inheritdoc />
    public override void IndexSelect(IBuffer src, int outer, int n, int inner, IBuffer idx, int m, IBuffer dst)
    {
        var ix = Cast(idx).As<int>();
        switch (Cast(src).Data)
        {
            case float[] f: IndexKernels<float>.IndexSelect("index_select", f, outer, n, inner, ix, m, Cast(dst).As<float>()); break;
            case double[] f: IndexKernels<double>.IndexSelect("index_select", f, outer, n, inner, ix, m, Cast(dst).As<double>()); break;
            case int[] f: IndexKernels<int>.IndexSelect("index_select", f, outer, n, inner, ix, m, Cast(dst).As<int>()); break;
        }
    }

    /// <inheritdoc />
    public override void IndexAdd(IBuffer dst, int outer, int n, int inner, IBuffer idx, int m, IBuffer src)
    {
        var ix = Cast(idx).As<int>();
        switch (Cast(dst).Data)
        {
            case float[] f: IndexKernels<float>.IndexAdd("index_add", f, outer, n, inner, ix, m, Cast(src).As<float>()); break;
            case double[] f: IndexKernels<double>.IndexAdd("index_add", f, outer, n, inner, ix, m, Cast(src).As<double>()); break;
            case int[] f: IndexKernels<int>.IndexAdd("index_add", f, outer, n, inner, ix, m, Cast(src).As<int>()); break;
        }
    }

    /// <inheritdoc />
    public override void Gather(IBuffer src, int outer, int n, int inner, IBuffer idx, int m, IBuffer dst)
    {
        var ix = Cast(idx).As<int>();
        switch (Cast(src).Data)
        {
            case float[] f: IndexKernels<float>.Gather("gather", f, outer, n, inner, ix, m, Cast(dst).As<float>()); break;
            case double[] f: IndexKernels<double>.Gather("gather", f, outer, n, inner, ix, m, Cast(dst).As<double>()); break;
            case int[] f: IndexKernels<int>.Gather("gather", f, outer, n, inner, ix, m, Cast(dst).As<int>()); break;
        }
    }

    /// <inheritdoc />
    public override void ScatterAdd(IBuffer dst, int outer, int n, int inner, IBuffer idx, int m, IBuffer src)
    {
        var ix = Cast(idx).As<int>();
        switch (Cast(dst).Data)
        {
            case float[] f: IndexKernels<float>.ScatterAdd("scatter_add", f, outer, n, inner, ix, m, Cast(src).As<float>()); break;
            case double[] f: IndexKernels<double>.ScatterAdd("scatter_add", f, outer, n, inner, ix, m, Cast(src).As<double>()); break;
            case int[] f: IndexKernels<int>.ScatterAdd("scatter_add", f, outer, n, inner, ix, m, Cast(src).As<int>()); break;
        }
    }

    private static CpuBuffer Cast(IBuffer buffer) => buffer as CpuBuffer
        ?? throw new TensorDeviceException("cpu", $"a buffer of backend '{buffer.Backend.Name}' was passed to the CPU backend; copy it to the CPU first.");

    private static TensorDTypeException FloatOnly(string op) =>
        new(op, "this op needs a float tensor (F32 or F64), got I32; convert with .To(DType.F32).");

    /// <inheritdoc />
    public override bool TryShareMemory(IBuffer alias, IBuffer owner)
    {
        if (alias is not CpuBuffer a || owner is not CpuBuffer o || ReferenceEquals(a, o)) return false;
        a.Borrow(o);
        return true;
    }
}
