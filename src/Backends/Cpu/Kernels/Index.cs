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
        CpuParallel.For(outer * m, CpuParallel.Grain(inner), new SelectRows(src, n, inner, idx, m, dst));
    }

    /// <summary>Output rows r = (o, j) of <see cref="IndexSelect"/>: row idx[j] of block o.</summary>
    private readonly struct SelectRows(T[] src, int n, int inner, int[] idx, int m, T[] dst) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int r = start; r < end; r++)
            {
                int o = r / m, j = r % m;
                Array.Copy(src, ((long)o * n + idx[j]) * inner, dst, (long)r * inner, inner);
            }
        }
    }

    public static void IndexAdd(string op, T[] dst, int outer, int n, int inner, int[] idx, int m, T[] src)
    {
        CheckRange(op, idx, m, n);
        ForColumns(outer, inner, m, new AddColumns(dst, n, inner, idx, m, src));
    }

    public static void Gather(string op, T[] src, int outer, int n, int inner, int[] idx, int m, T[] dst)
    {
        CheckRange(op, idx, idx.Length, n);
        ForColumns(outer, inner, m, new GatherColumns(src, n, inner, idx, m, dst));
    }

    public static void ScatterAdd(string op, T[] dst, int outer, int n, int inner, int[] idx, int m, T[] src)
    {
        CheckRange(op, idx, idx.Length, n);
        ForColumns(outer, inner, m, new ScatterAddColumns(dst, n, inner, idx, m, src));
    }

    /// <summary>The body of <see cref="ForColumns{TBody}"/>: the columns [i0, i1) of outer block o.</summary>
    private interface IColumnsBody
    {
        void Run(int o, int i0, int i1);
    }

    private readonly struct AddColumns(T[] dst, int n, int inner, int[] idx, int m, T[] src) : IColumnsBody
    {
        public void Run(int o, int i0, int i1)
        {
            for (int j = 0; j < m; j++)
            {
                int d = (o * n + idx[j]) * inner, s = (o * m + j) * inner;
                for (int i = i0; i < i1; i++) dst[d + i] += src[s + i];
            }
        }
    }

    private readonly struct GatherColumns(T[] src, int n, int inner, int[] idx, int m, T[] dst) : IColumnsBody
    {
        public void Run(int o, int i0, int i1)
        {
            for (int j = 0; j < m; j++)
            {
                int row = (o * m + j) * inner, from = o * n * inner;
                for (int i = i0; i < i1; i++) dst[row + i] = src[from + idx[row + i] * inner + i];
            }
        }
    }

    private readonly struct ScatterAddColumns(T[] dst, int n, int inner, int[] idx, int m, T[] src) : IColumnsBody
    {
        public void Run(int o, int i0, int i1)
        {
            for (int j = 0; j < m; j++)
            {
                int row = (o * m + j) * inner, to = o * n * inner;
                for (int i = i0; i < i1; i++) dst[to + idx[row + i] * inner + i] += src[row + i];
            }
        }
    }

    /// <summary>Runs body.Run(o, i0, i1) over fixed column chunks of every outer block.</summary>
    private static void ForColumns<TBody>(int outer, int inner, int m, TBody body) where TBody : struct, IColumnsBody
    {
        int columnsPerChunk = Math.Max(1, Math.Min(inner, CpuParallel.Grain(m)));
        int chunksPerOuter = (inner + columnsPerChunk - 1) / columnsPerChunk;
        CpuParallel.For(outer * chunksPerOuter, 1, new ColumnChunks<TBody>(inner, columnsPerChunk, chunksPerOuter, body));
    }

    private readonly struct ColumnChunks<TBody>(int inner, int columnsPerChunk, int chunksPerOuter, TBody body) : IRangeBody
        where TBody : struct, IColumnsBody
    {
        public void Run(int start, int end)
        {
            for (int c = start; c < end; c++)
            {
                int o = c / chunksPerOuter, i0 = (c % chunksPerOuter) * columnsPerChunk;
                body.Run(o, i0, Math.Min(inner, i0 + columnsPerChunk));
            }
        }
    }

    private static void CheckRange(string op, int[] idx, int count, int n)
    {
        for (int j = 0; j < count; j++)
            if ((uint)idx[j] >= (uint)n)
                throw new TensorIndexException(op, $"index {idx[j]} at position {j} is out of range for an axis of size {n}; valid indices are 0..{n - 1}.");
    }
}
