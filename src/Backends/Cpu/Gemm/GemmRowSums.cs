using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// The sums over K of op(A)'s rows that a GEMM hands back beside the product (<see cref="GemmProblem{T}.RowSums"/>):
/// for a weight gradient g^T x, they are the column sums of g, the bias gradient, taken from each block of A while the
/// product has it in cache instead of in a second pass over g from memory.
/// </summary>
/// <remarks>
/// The order of the additions is fixed by the shape and the blocking alone, never by the thread count: each part of a
/// K split sums its blocks in order of K (a transposed A one stored row at a time, a row-major A one block at a time),
/// and the parts' sums are added in part order after the tasks.
/// </remarks>
internal static unsafe class GemmRowSums
{
    /// <summary>
    /// Adds the sums over the K range [<paramref name="p0"/>, p0 + <paramref name="kc"/>) of op(A)'s rows [<paramref name="i0"/>,
    /// i0 + <paramref name="rows"/>) into <paramref name="sums"/> (indexed by row), or writes them when <paramref name="first"/>.
    /// </summary>
    public static void AddBlock<T>(in GemmProblem<T> pr, T* a, int i0, int rows, int p0, int kc, T* sums, bool first)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (pr.TransA)
        {
            // op(A)[i, p] = a[p lda + i]: each stored row of A adds one value to every sum, in order of p.
            AddStoredRows(a + (nint)p0 * pr.Lda + i0, pr.Lda, rows, kc, sums + i0, first);
            return;
        }

        var acc = new Span<T>(sums + i0, rows);
        for (int i = 0; i < rows; i++)
        {
            T sum = TensorPrimitives.Sum(new ReadOnlySpan<T>(a + (nint)(i0 + i) * pr.Lda + p0, kc));
            acc[i] = first ? sum : acc[i] + sum;
        }
    }

    /// <summary>
    /// sums[i] (+)= src[i] + src[ld + i] + ... + src[(count - 1) ld + i] for i &lt; width, each sum in that order: runs
    /// of four vectors held in registers down all the rows (a call per row cost more than the adds).
    /// </summary>
    private static void AddStoredRows<T>(T* src, nint ld, int width, int count, T* sums, bool first)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count, i = 0, p0 = first ? 1 : 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 * w <= width; i += 4 * w)
            {
                T* from = first ? src + i : sums + i;
                Vector256<T> s0 = Vector256.Load(from), s1 = Vector256.Load(from + w), s2 = Vector256.Load(from + 2 * w), s3 = Vector256.Load(from + 3 * w);
                for (int p = p0; p < count; p++)
                {
                    T* row = src + p * ld + i;
                    s0 += Vector256.Load(row);
                    s1 += Vector256.Load(row + w);
                    s2 += Vector256.Load(row + 2 * w);
                    s3 += Vector256.Load(row + 3 * w);
                }

                s0.Store(sums + i);
                s1.Store(sums + i + w);
                s2.Store(sums + i + 2 * w);
                s3.Store(sums + i + 3 * w);
            }

            for (; i + w <= width; i += w)
            {
                Vector256<T> s = Vector256.Load(first ? src + i : sums + i);
                for (int p = p0; p < count; p++) s += Vector256.Load(src + p * ld + i);
                s.Store(sums + i);
            }
        }

        for (; i < width; i++)
        {
            T s = first ? src[i] : sums[i];
            for (int p = p0; p < count; p++) s += src[p * ld + i];
            sums[i] = s;
        }
    }

    /// <summary>The row sums of a product that never reaches the driver (k, alpha, n or m zero): one block of all of K.</summary>
    public static void Whole<T>(in GemmProblem<T> pr)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (pr.M == 0)
        {
            return;
        }

        if (pr.K == 0)
        {
            new Span<T>(pr.RowSums, pr.M).Clear();
            return;
        }

        if (pr.A == null)
        {
            throw new ArgumentNullException("a", "The row sums of A need A.");
        }

        AddBlock(pr, pr.A, 0, pr.M, 0, pr.K, pr.RowSums, first: true);
    }

    /// <summary>Adds the sums of K parts 1.. (each M values, part after part in <paramref name="partials"/>) into part 0's, in part order.</summary>
    public static void AddParts<T>(in GemmProblem<T> pr, int kSplits, T* partials)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sums = new Span<T>(pr.RowSums, pr.M);
        for (int s = 1; s < kSplits; s++)
        {
            TensorPrimitives.Add(sums, new ReadOnlySpan<T>(partials + (nint)(s - 1) * pr.M, pr.M), sums);
        }
    }
}
