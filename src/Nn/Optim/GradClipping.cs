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
    /// reduced on their device (in float64) and only the per-parameter sums come back. Host F32 gradients with memory of
    /// their own each are scaled in place, as PyTorch does; otherwise the scaled gradients are new tensors (one gradient
    /// tensor may be the .Grad of several parameters, and must not be scaled twice).
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        if (maxNorm < 0) throw new ArgumentOutOfRangeException(nameof(maxNorm), "max_norm cannot be negative.");
        ArgumentNullException.ThrowIfNull(parameters);
        // Pooled scratch and an indexed walk over a list: clipping in a training loop allocates almost nothing.
        var list = parameters as IReadOnlyList<Tensor> ?? parameters.ToArray();
        var withGrad = ArrayPool<Tensor>.Shared.Rent(Math.Max(1, list.Count));
        var grads = ArrayPool<Tensor>.Shared.Rent(Math.Max(1, list.Count));
        try
        {
            int n = 0;
            using (GradMode.Disable())
                for (int i = 0; i < list.Count; i++)
                    if (list[i].Grad != null)
                    {
                        withGrad[n] = list[i];
                        grads[n++] = ParameterMemory.Grad(list[i], "clip_grad_norm");
                    }
            double norm = Math.Sqrt(SumOfSquares(grads, n));
            if (norm > maxNorm) Scale(withGrad, grads, n, maxNorm / (norm + 1e-6));
            return norm;
        }
        finally
        {
            ArrayPool<Tensor>.Shared.Return(withGrad, clearArray: true);
            ArrayPool<Tensor>.Shared.Return(grads, clearArray: true);
        }
    }

    /// <summary>Elements per chunk of the CPU passes; each chunk's sum of squares is one task's, the sums added in order.</summary>
    private const int Chunk = 16384;

    /// <summary>
    /// Sum of squares of the first <paramref name="n"/> gradients, in float64. The chunks of <see cref="Chunk"/>
    /// elements of all host gradients run in one parallel loop (most gradients are one chunk or less); each gradient's
    /// chunk sums are added in chunk order, then the gradients in order, so the result does not depend on the thread
    /// count. Device gradients are reduced on their device.
    /// </summary>
    private static double SumOfSquares(Tensor[] grads, int n)
    {
        var counts = ArrayPool<int>.Shared.Rent(Math.Max(1, n));
        int chunks = 0;
        for (int i = 0; i < n; i++)
        {
            counts[i] = grads[i].Device == Device.Cpu ? grads[i].Count : 0;
            chunks += (counts[i] + Chunk - 1) / Chunk;
        }
        var chunkSums = ArrayPool<double>.Shared.Rent(Math.Max(1, chunks));
        try
        {
            CpuParallel.ForChunks(counts.AsSpan(0, n), Chunk, c => chunkSums[c.Index] = ChunkSumOfSquares(grads[c.Target], c.Start, c.Start + c.Length));
            double sum = 0;
            int k = 0;
            using (GradMode.Disable())
                for (int i = 0; i < n; i++)
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
        finally
        {
            ArrayPool<int>.Shared.Return(counts);
            ArrayPool<double>.Shared.Return(chunkSums);
        }
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
    /// Sets each of the first <paramref name="n"/> parameters' gradient to its gradient times <paramref name="scale"/>:
    /// host F32 gradients in one parallel loop over their chunks, in place when no two share a buffer, otherwise into new
    /// tensors; the others with tensor ops.
    /// </summary>
    private static void Scale(Tensor[] parameters, Tensor[] grads, int n, double scale)
    {
        bool inPlace = OwnMemoryEach(grads, n);
        var targets = ArrayPool<Tensor?>.Shared.Rent(n);
        var counts = ArrayPool<int>.Shared.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                bool host = grads[i].Device == Device.Cpu && grads[i].DType == DType.F32;
                targets[i] = !host ? null : inPlace ? grads[i] : Tensor.Empty(grads[i].Shape, DType.F32, Device.Cpu);
                counts[i] = host ? grads[i].Count : 0;
            }
            CpuParallel.ForChunks(counts.AsSpan(0, n), Chunk, c =>
            {
                var g = grads[c.Target];
                var source = ((CpuBuffer)g.Buffer).As<float>().AsSpan(g.Layout.Offset + c.Start, c.Length);
                var target = targets[c.Target]!;
                ScaleChunk(source, ((CpuBuffer)target.Buffer).As<float>().AsSpan(target.Layout.Offset + c.Start, c.Length), scale);
            });
            using (GradMode.Disable())
                for (int i = 0; i < n; i++)
                    parameters[i].Grad = targets[i] ?? (grads[i].To(DType.F64) * scale).To(parameters[i].DType);
        }
        finally
        {
            ArrayPool<Tensor?>.Shared.Return(targets, clearArray: true);
            ArrayPool<int>.Shared.Return(counts);
        }
    }

    /// <summary>Whether no two of the first <paramref name="n"/> gradients share a buffer (so each can be scaled in place exactly once).</summary>
    private static bool OwnMemoryEach(Tensor[] grads, int n)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++)
                if (ReferenceEquals(grads[i].Buffer, grads[j].Buffer)) return false;
        return true;
    }

    /// <summary>y = (float)(x * scale), computed in double as the composed To(F64) * scale To(F32) would; x and y may be the same memory.</summary>
    private static void ScaleChunk(ReadOnlySpan<float> x, Span<float> y, double scale)
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
