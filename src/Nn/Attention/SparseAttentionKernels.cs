using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using GsdmCore.Backends.Cpu;

namespace GsdmCore.Nn;

/// <summary>
/// The fused forward and backward loops of graph-sparse attention. Work is split over (batch, head, node)
/// items in fixed chunks that depend only on the problem size, and every output row is written by exactly one
/// item in a fixed order, so the results are bit-identical for any thread count. Memory beyond the inputs and
/// outputs is one value per (batch, head, edge).
/// </summary>
internal static class SparseAttentionKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// out_i = sum_{e=(i,j)} p_e v_j with p = softmax over row i of scale * q_i.k_j. Stores p per edge into
    /// <paramref name="probs"/> ([B*H, nnz]) when given; out must be zero-filled or is overwritten row by row.
    /// </summary>
    public static void Forward(SparseGraph graph, T scale, HeadView<T> q, HeadView<T> k, HeadView<T> v, HeadView<T> o,
        int batch, int heads, int d, T[]? probs)
    {
        int n = graph.Nodes, nnz = graph.EdgeCount;
        var rowPtr = graph.RowPointerArray;
        var cols = graph.ColumnArray;
        int maxDegree = 0;
        for (int i = 0; i < n; i++) maxDegree = Math.Max(maxDegree, rowPtr[i + 1] - rowPtr[i]);
        int cost = Math.Max(1, nnz / Math.Max(n, 1)) * d * 2;
        CpuParallel.For(batch * heads * n, CpuParallel.Grain(cost), (start, end) =>
        {
            T[]? scratch = probs == null ? ArrayPool<T>.Shared.Rent(Math.Max(maxDegree, 1)) : null;
            for (int item = start; item < end; item++)
            {
                int bh = item / n, i = item - bh * n;
                int b = bh / heads, h = bh - b * heads;
                int rs = rowPtr[i], deg = rowPtr[i + 1] - rs;
                ref T oi = ref o.Row(b, h, i);
                SimdMath<T>.Clear(ref oi, d);
                if (deg == 0) continue;
                var p = probs != null ? probs.AsSpan(bh * nnz + rs, deg) : scratch.AsSpan(0, deg);
                ref T qi = ref q.Row(b, h, i);
                for (int e = 0; e < deg; e++)
                    p[e] = scale * SimdMath<T>.Dot(ref qi, ref k.Row(b, h, cols[rs + e]), d);
                T max = TensorPrimitives.Max<T>(p);
                TensorPrimitives.Subtract(p, max, p);
                TensorPrimitives.Exp(p, p);
                TensorPrimitives.Multiply(p, T.One / TensorPrimitives.Sum<T>(p), p);
                for (int e = 0; e < deg; e++)
                    SimdMath<T>.Axpy(p[e], ref v.Row(b, h, cols[rs + e]), ref oi, d);
            }
            if (scratch != null) ArrayPool<T>.Shared.Return(scratch);
        });
    }

    /// <summary>
    /// Gradients given dO: dS_e = p_e (dO_i.v_j - sum_e' p_e' dO_i.v_j'); dq_i = scale sum_e dS_e k_j (row pass);
    /// dk_j = scale sum_{e into j} dS_e q_i and dv_j = sum_{e into j} p_e dO_i (column pass over the transpose).
    /// Null targets are skipped.
    /// </summary>
    public static void Backward(SparseGraph graph, T scale, HeadView<T> q, HeadView<T> k, HeadView<T> v, HeadView<T> dO,
        T[] probs, int batch, int heads, int d, HeadView<T>? dq, HeadView<T>? dk, HeadView<T>? dv)
    {
        int n = graph.Nodes, nnz = graph.EdgeCount;
        var rowPtr = graph.RowPointerArray;
        var cols = graph.ColumnArray;
        // Per edge, in transposed (key-major) order so the column pass reads them sequentially:
        // scale * dS for dk and p for dv.
        var dsT = ArrayPool<T>.Shared.Rent(Math.Max(1, batch * heads * nnz));
        var pT = ArrayPool<T>.Shared.Rent(Math.Max(1, batch * heads * nnz));
        var dS = ArrayPool<T>.Shared.Rent(Math.Max(1, batch * heads * nnz));
        var tPos = graph.TransposePositions;
        int cost = Math.Max(1, nnz / Math.Max(n, 1)) * d * 2;
        int grain = CpuParallel.Grain(cost);
        bool needDq = dq.HasValue;
        var dqv = dq.GetValueOrDefault();

        CpuParallel.For(batch * heads * n, grain, (start, end) =>
        {
            for (int item = start; item < end; item++)
            {
                int bh = item / n, i = item - bh * n;
                int b = bh / heads, h = bh - b * heads;
                int rs = rowPtr[i], deg = rowPtr[i + 1] - rs;
                var p = probs.AsSpan(bh * nnz + rs, deg);
                var ds = dS.AsSpan(bh * nnz + rs, deg);
                ref T doi = ref dO.Row(b, h, i);
                for (int e = 0; e < deg; e++)
                    ds[e] = SimdMath<T>.Dot(ref doi, ref v.Row(b, h, cols[rs + e]), d);
                T rowDot = TensorPrimitives.Dot<T>(p, ds);
                TensorPrimitives.Subtract(ds, rowDot, ds);
                TensorPrimitives.Multiply(ds, p, ds);
                int baseEdge = bh * nnz;
                for (int e = 0; e < deg; e++)
                {
                    int at = baseEdge + tPos[rs + e];
                    dsT[at] = scale * ds[e];
                    pT[at] = p[e];
                }
                if (!needDq) continue;
                ref T dqi = ref dqv.Row(b, h, i);
                SimdMath<T>.Clear(ref dqi, d);
                for (int e = 0; e < deg; e++)
                    SimdMath<T>.Axpy(scale * ds[e], ref k.Row(b, h, cols[rs + e]), ref dqi, d);
            }
        });

        if (dk.HasValue || dv.HasValue)
        {
            var tPtr = graph.TransposePointers;
            var tRows = graph.TransposeRows;
            bool needDk = dk.HasValue, needDv = dv.HasValue;
            var dkv = dk.GetValueOrDefault();
            var dvv = dv.GetValueOrDefault();
            CpuParallel.For(batch * heads * n, grain, (start, end) =>
            {
                for (int item = start; item < end; item++)
                {
                    int bh = item / n, j = item - bh * n;
                    int b = bh / heads, h = bh - b * heads;
                    int baseEdge = bh * nnz;
                    int ts = tPtr[j], te = tPtr[j + 1];
                    if (needDk)
                    {
                        ref T dkj = ref dkv.Row(b, h, j);
                        SimdMath<T>.Clear(ref dkj, d);
                        for (int t = ts; t < te; t++)
                            SimdMath<T>.Axpy(dsT[baseEdge + t], ref q.Row(b, h, tRows[t]), ref dkj, d);
                    }
                    if (needDv)
                    {
                        ref T dvj = ref dvv.Row(b, h, j);
                        SimdMath<T>.Clear(ref dvj, d);
                        for (int t = ts; t < te; t++)
                            SimdMath<T>.Axpy(pT[baseEdge + t], ref dO.Row(b, h, tRows[t]), ref dvj, d);
                    }
                }
            });
        }
        ArrayPool<T>.Shared.Return(dS);
        ArrayPool<T>.Shared.Return(dsT);
        ArrayPool<T>.Shared.Return(pT);
    }
}
