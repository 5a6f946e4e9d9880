using System.Numerics;

namespace GsdmCore.Backends.Cpu;

/// <summary>Index-select / index-add and gather / scatter-add over [outer, n, inner] blocks.</summary>
/// <remarks>
/// The accumulating kernels parallelise over (outer, inner) and walk j in order, so sums happen in one
/// fixed order whatever the thread count.
/// </remarks>
internal static class IndexKernels<T> where T : unmanaged, INumberBase<T>
{
    public static void IndexSelect(string op, T[] src, int outer, int n, int inner, int[] idx, int m, T[] dst)
    {
        CheckRange(op, idx, m, n);
        CpuParallel.For(outer * m, CpuParallel.Grain(inner), (s, e) =>
        {
            for (int r = s; r < e; r++)
            {
                int o = r / m, j = r % m;
                Array.Copy(src, ((long)o * n + idx[j]) * inner, dst, (long)r * inner, inner);
            }
        });
    }

    public static void IndexAdd(string op, T[] dst, int outer, int n, int inner, int[] idx, int m, T[] src)
    {
        CheckRange(op, idx, m, n);
        ForColumns(outer, inner, m, (o, i0, i1) =>
        {
            for (int j = 0; j < m; j++)
            {
                int d = (o * n + idx[j]) * inner, s = (o * m + j) * inner;
                for (int i = i0; i < i1; i++) dst[d + i] += src[s + i];
            }
        });
    }

    public static void Gather(string op, T[] src, int outer, int n, int inner, int[] idx, int m, T[] dst)
    {
        CheckRange(op, idx, idx.Length, n);
        ForColumns(outer, inner, m, (o, i0, i1) =>
        {
            for (int j = 0; j < m; j++)
            {
                int row = (o * m + j) * inner, from = o * n * inner;
                for (int i = i0; i < i1; i++) dst[row + i] = src[from + idx[row + i] * inner + i];
            }
        });
    }

    public static void ScatterAdd(string op, T[] dst, int outer, int n, int inner, int[] idx, int m, T[] src)
    {
        CheckRange(op, idx, idx.Length, n);
        ForColumns(outer, inner, m, (o, i0, i1) =>
        {
            for (int j = 0; j < m; j++)
            {
                int row = (o * m + j) * inner, to = o * n * inner;
                for (int i = i0; i < i1; i++) dst[to + idx[row + i] * inner + i] += src[row + i];
            }
        });
    }

    /// <summary>Runs body(o, i0, i1) over fixed column chunks of every outer block.</summary>
    private static void ForColumns(int outer, int inner, int m, Action<int, int, int> body)
    {
        int columnsPerChunk = Math.Max(1, Math.Min(inner, CpuParallel.Grain(m)));
        int chunksPerOuter = (inner + columnsPerChunk - 1) / columnsPerChunk;
        CpuParallel.For(outer * chunksPerOuter, 1, (s, e) =>
        {
            for (int c = s; c < e; c++)
            {
                int o = c / chunksPerOuter, i0 = (c % chunksPerOuter) * columnsPerChunk;
                body(o, i0, Math.Min(inner, i0 + columnsPerChunk));
            }
        });
    }

    private static void CheckRange(string op, int[] idx, int count, int n)
    {
        for (int j = 0; j < count; j++)
            if ((uint)idx[j] >= (uint)n)
                throw new TensorIndexException(op, $"index {idx[j]} at position {j} is out of range for an axis of size {n}; valid indices are 0..{n - 1}.");
    }
}
