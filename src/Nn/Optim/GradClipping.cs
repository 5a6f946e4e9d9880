using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using GsdmCore.Backends;
using GsdmCore.Backends.Cpu;

namespace GsdmCore.Nn;

/// <summary>Global gradient-norm clipping with PyTorch's semantics (<c>clip_grad_norm_</c>, 2-norm).</summary>
public static class GradClipping
{
    /// <summary>
    /// Computes the 2-norm of all gradients together (in float64, parameters in order) and, when it exceeds
    /// <paramref name="maxNorm"/>, scales every gradient by maxNorm / (norm + 1e-6) (each element in float64, rounded
    /// to its dtype). Parameters without a gradient are skipped. Returns the norm before clipping. Host gradients are
    /// summed in fixed chunks whose sums are added in order (the same bits for any thread count); device gradients are
    /// reduced on their device (in float64) and only the per-parameter sums come back.
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        if (maxNorm < 0) throw new ArgumentOutOfRangeException(nameof(maxNorm), "max_norm cannot be negative.");
        var withGrad = parameters.Where(p => p.Grad != null).ToList();
        double sumSquares = 0;
        using (GradMode.Disable())
            foreach (var p in withGrad)
            {
                var g = ParameterMemory.Grad(p, "clip_grad_norm");
                if (g.Device == Device.Cpu) sumSquares += CpuSumOfSquares(g);
                else sumSquares += g.To(DType.F64).Square().Sum().Item();
            }
        double norm = Math.Sqrt(sumSquares);
        if (norm > maxNorm)
        {
            double scale = maxNorm / (norm + 1e-6);
            using (GradMode.Disable())
                foreach (var p in withGrad)
                {
                    var g = ParameterMemory.Grad(p, "clip_grad_norm");
                    // A new tensor, never in place: one gradient tensor may be the .Grad of several parameters.
                    p.Grad = g.Device == Device.Cpu && g.DType == DType.F32 ? CpuScaled(g, scale) : (g.To(DType.F64) * scale).To(p.DType);
                }
        }
        return norm;
    }

    /// <summary>Elements per chunk of the CPU passes; each chunk's sum of squares is one task's, the sums added in order.</summary>
    private const int Chunk = 16384;

    /// <summary>
    /// Sum of squares of a contiguous CPU gradient, accumulated in double (float lanes widened): chunks of
    /// <see cref="Chunk"/> elements in parallel, their sums added in chunk order, so the result does not depend on the
    /// thread count.
    /// </summary>
    private static double CpuSumOfSquares(Tensor g)
    {
        int chunks = (g.Count + Chunk - 1) / Chunk;
        return chunks <= 1 ? ChunkSumOfSquares(g, 0, g.Count) : ChunkedSumOfSquares(g, chunks);
    }

    private static double ChunkedSumOfSquares(Tensor g, int chunks)
    {
        var sums = ArrayPool<double>.Shared.Rent(chunks);
        CpuParallel.For(chunks, 1, (first, end) =>
        {
            for (int c = first; c < end; c++) sums[c] = ChunkSumOfSquares(g, c * Chunk, Math.Min(g.Count, (c + 1) * Chunk));
        });
        double total = 0;
        for (int c = 0; c < chunks; c++) total += sums[c];
        ArrayPool<double>.Shared.Return(sums);
        return total;
    }

    private static double ChunkSumOfSquares(Tensor g, int start, int end)
    {
        if (g.DType != DType.F32) return TensorPrimitives.SumOfSquares<double>(((CpuBuffer)g.Buffer).As<double>().AsSpan(g.Layout.Offset + start, end - start));
        var x = ((CpuBuffer)g.Buffer).As<float>().AsSpan(g.Layout.Offset + start, end - start);
        var acc = Vector256<double>.Zero;
        int i = 0;
        for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var (lo, hi) = Vector256.Widen(Vector256.Create<float>(x.Slice(i, Vector256<float>.Count)));
            acc += lo * lo + hi * hi;
        }
        double sum = Vector256.Sum(acc);
        for (; i < x.Length; i++) sum += (double)x[i] * x[i];
        return sum;
    }

    /// <summary>
    /// (float)(g * scale) computed in double, as the composed To(F64) * scale To(F32) would, in one pass (over parallel
    /// chunks when there are several).
    /// </summary>
    private static Tensor CpuScaled(Tensor g, double scale)
    {
        var source = ((CpuBuffer)g.Buffer).As<float>().AsMemory(g.Layout.Offset, g.Count);
        var result = Tensor.Empty(g.Shape, DType.F32, Device.Cpu);
        var target = ((CpuBuffer)result.Buffer).As<float>().AsMemory(0, g.Count);
        if (g.Count <= Chunk) Scale(source.Span, target.Span, scale);
        else ScaleChunks(source, target, scale);
        return result;
    }

    private static void ScaleChunks(ReadOnlyMemory<float> source, Memory<float> target, double scale) =>
        CpuParallel.For(source.Length, Chunk, (start, end) => Scale(source.Span[start..end], target.Span[start..end], scale));

    private static void Scale(ReadOnlySpan<float> x, Span<float> y, double scale)
    {
        var s = Vector256.Create(scale);
        int i = 0;
        for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var (lo, hi) = Vector256.Widen(Vector256.Create<float>(x.Slice(i, Vector256<float>.Count)));
            Vector256.Narrow(lo * s, hi * s).CopyTo(y.Slice(i, Vector256<float>.Count));
        }
        for (; i < x.Length; i++) y[i] = (float)(x[i] * scale);
    }
}
