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
        Tensor[] grads;
        using (GradMode.Disable())
            grads = withGrad.Select(p => ParameterMemory.Grad(p, "clip_grad_norm")).ToArray();
        double norm = Math.Sqrt(SumOfSquares(grads));
        if (norm > maxNorm)
        {
            double scale = maxNorm / (norm + 1e-6);
            // New tensors, never in place: one gradient tensor may be the .Grad of several parameters.
            var scaled = CpuScaled(grads, scale);
            using (GradMode.Disable())
                for (int i = 0; i < grads.Length; i++)
                    withGrad[i].Grad = scaled[i] ?? (grads[i].To(DType.F64) * scale).To(withGrad[i].DType);
        }
        return norm;
    }

    /// <summary>Elements per chunk of the CPU passes; each chunk's sum of squares is one task's, the sums added in order.</summary>
    private const int Chunk = 16384;

    /// <summary>
    /// Sum of squares of all gradients, in float64. The chunks of <see cref="Chunk"/> elements of all host gradients
    /// run in one parallel loop (most gradients are one chunk or less); each gradient's chunk sums are added in chunk
    /// order, then the gradients in order, so the result does not depend on the thread count. Device gradients are
    /// reduced on their device.
    /// </summary>
    private static double SumOfSquares(Tensor[] grads)
    {
        var counts = grads.Select(g => g.Device == Device.Cpu ? g.Count : 0).ToArray();
        var chunkSums = new double[counts.Sum(n => (n + Chunk - 1) / Chunk)];
        CpuParallel.ForChunks(counts, Chunk, c => chunkSums[c.Index] = ChunkSumOfSquares(grads[c.Target], c.Start, c.Start + c.Length));
        double sum = 0;
        int k = 0;
        using (GradMode.Disable())
            for (int i = 0; i < grads.Length; i++)
            {
                if (grads[i].Device != Device.Cpu)
                {
                    sum += grads[i].To(DType.F64).Square().Sum().Item();
                    continue;
                }
                double total = 0;
                for (int end = k + (counts[i] + Chunk - 1) / Chunk; k < end; k++) total += chunkSums[k];
                sum += total;
            }
        return sum;
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
    /// <summary>
    /// The host F32 gradients times <paramref name="scale"/> (each element in float64, rounded to float), as new
    /// tensors, all chunks in one parallel loop; null for the others, which the caller scales with tensor ops.
    /// </summary>
    private static Tensor?[] CpuScaled(Tensor[] grads, double scale)
    {
        var scaled = new Tensor?[grads.Length];
        var counts = new int[grads.Length];
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i].Device != Device.Cpu || grads[i].DType != DType.F32) continue;
            scaled[i] = Tensor.Empty(grads[i].Shape, DType.F32, Device.Cpu);
            counts[i] = grads[i].Count;
        }
        CpuParallel.ForChunks(counts, Chunk, c =>
        {
            var g = grads[c.Target];
            var source = ((CpuBuffer)g.Buffer).As<float>().AsSpan(g.Layout.Offset + c.Start, c.Length);
            Scale(source, ((CpuBuffer)scaled[c.Target]!.Buffer).As<float>().AsSpan(c.Start, c.Length), scale);
        });
        return scaled;
    }

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
