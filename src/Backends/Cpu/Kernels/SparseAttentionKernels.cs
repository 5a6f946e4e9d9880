using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
namespace GsdmCore.Backends.Cpu;

/// <summary>
/// The fused forward and backward loops of graph-sparse attention, arranged for the memory system. Each
/// (batch, head) is one work item, done by one thread. The [N, Dh] matrices whose rows the edges name at random
/// are first packed, streaming, into contiguous, cache-line-aligned per-thread copies, which then stay in the
/// core's L2 cache (320 KB each at N = 5000, Dh = 16) however the tensors are strided: the forward holds K and V
/// and runs logits, softmax and weighted sums block by block of rows; the backward makes two passes, each with
/// one packed input and one packed accumulator for the matrix it updates at random (dv, then dk), written out at
/// the end. The per-edge values are read and written in edge order. Outputs larger than a core's L2 (o, dq, dk,
/// dv, the kept probabilities) are written with non-temporal stores, from the packed accumulators or from small
/// per-thread blocks: they skip the read for ownership and do not evict the packed copies (5-9% at N = 1000-5000,
/// where these streams from and to memory are a third of the cost growth over N = 81).
/// <para>
/// Measured and dropped (random degree-21 graphs, N = 81..5000): software prefetch of the rows a few edges ahead
/// (with the packed, L2-resident copies it only cost time), and of the streamed rows and per-edge values a block
/// ahead (+4%); dK/dV as gathers over the transposed graph (5% faster at 81, 2-3% slower at 5000); K and V, or an
/// input and its accumulator, packed in adjacent lines of one [N, 2 Dh] matrix (no gain, and +13-38% in the dq/dk
/// pass at N = 81 with the input beside its accumulator), or in alternate 2 KB halves of 4 KB pages (+10%: the TLB
/// is not what costs at N = 5000); 2 MB pages for the packed copies (none granted); both backward passes in one
/// pass over blocks of rows (2-4% faster up to N = 1000, slower at 5000, where four packed matrices leave L2);
/// dq and dk in separate passes; packing K for the second backward pass during the first (slower); prefetching the
/// next item's K and V rows during the current one (no gain); reading contiguous K and V in place instead of
/// packing them (+27-33% at N = 5000, though the four packs, read from memory, are about 10% of the time there).
/// The cost that grows with N is mostly L1 misses into the packed copies (from N = 300-600 on) and, for tensors
/// beyond the caches, streams from and to memory; neither is removed by a column-tiled order at degree 21, where
/// a tile of columns that fits L1 meets each row about once.
/// </para>
/// <para>
/// Determinism: every output element is computed by one thread, visiting rows in ascending order and edges in
/// CSR order, in an order of operations fixed by the row's length and the head dim alone (the edge dots in blocks
/// with a fixed reduction tree, the gathers in four interleaved accumulators: see the Dots and Edges parts), so
/// the results are bit-identical for any thread count. Memory beyond the inputs and outputs is
/// one value per (batch, head, edge) (the probabilities kept for backward) plus per-thread scratch.
/// </para>
/// </summary>
internal static partial class SparseAttentionKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements in a 64-byte cache line.</summary>
    private static readonly int LineElements = 64 / Unsafe.SizeOf<T>();

    /// <summary>
    /// Rows per block of the dot-product, softmax and weighted-sum loops: the block's per-edge values (about
    /// 256 x 21 here) stay in L1 or L2 between the loops, instead of going out to L3 for large graphs. 256 rows are
    /// 2-6% faster than 32 at N = 81..5000 (fewer, longer loops over the edges); 8 rows are 10% slower at 5000.
    /// </summary>
    private const int RowBlock = 256;

    /// <summary>
    /// out_i = sum_{e=(i,j)} p_e v_j with p = softmax over row i of scale * q_i.k_j. Stores p per edge into
    /// <paramref name="probs"/> ([B*H, nnz]) when given. Every row of <paramref name="o"/> is written.
    /// </summary>
    public static void Forward(int n, int[] rowPtr, int[] cols, int nnz, T scale, HeadView<T> q, HeadView<T> k, HeadView<T> v, HeadView<T> o,
        int batch, int heads, int d, T[]? probs)
    {
        CpuParallel.For(batch * heads, ItemGrain(batch * heads, heads, (long)nnz * d * 4),
            new ForwardItems(n, rowPtr, cols, nnz, scale, q, k, v, o, batch, heads, d, probs, SplitsPasses(n, d)));
    }

    /// <summary>The (batch, head) items [start, end) of <see cref="Forward"/>; <c>split</c>: <see cref="SplitsPasses"/>.</summary>
    private readonly struct ForwardItems(int n, int[] rowPtr, int[] cols, int nnz, T scale, HeadView<T> q, HeadView<T> k, HeadView<T> v,
        HeadView<T> o, int batch, int heads, int d, T[]? probs, bool split) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int packedLength = PackedLength(n, d);
            var buffer = ArrayPool<T>.Shared.Rent(2 * packedLength);
            // Without probs to keep, the probabilities of one (batch, head) go to scratch.
            T[]? scratch = probs == null ? ArrayPool<T>.Shared.Rent(Math.Max(1, nnz)) : null;
            var rows = new RowStream(o, n, d, batch * heads);
            // Probabilities kept for backward and too many to stay cached are computed in a block and streamed out; so
            // are all of them when the passes are split, where they would evict the packed K.
            T[]? probBlock = split || (probs != null && Streams(nnz, 1, batch * heads)) ? ArrayPool<T>.Shared.Rent(MaxBlockEdges(rowPtr, n)) : null;
            for (int bh = start; bh < end; bh++)
            {
                int b = bh / heads, h = bh - b * heads;
                var p = probs != null ? probs.AsSpan(bh * nnz, nnz) : scratch.AsSpan(0, nnz);
                // The next item's first rows, read from L3 or memory while this item computes.
                if (bh + 1 < end) PrefetchLeadingRows(bh + 1, heads, n, k, v, q, o);
                ref T q0 = ref q.Row(b, h, 0);
                if (split)
                {
                    // K alone through the logits and softmax of every row, then V alone through the weighted sums.
                    ref T packedK1 = ref Pack(buffer, 0, k, b, h, n, d);
                    for (int i0 = 0; i0 < n; i0 += RowBlock)
                    {
                        int i1 = Math.Min(n, i0 + RowBlock), e0 = rowPtr[i0], e1 = rowPtr[i1];
                        RowLogits(ref q0, q.SN, ref packedK1, rowPtr, cols, i0, i1, probBlock.AsSpan(0, e1 - e0), scale, d);
                        if (e1 > e0) StreamCopy(ref probBlock![0], ref p[e0], e1 - e0);
                    }
                    GatherAllRows(p, rowPtr, cols, n, ref Pack(buffer, 0, v, b, h, n, d), rows, b, h, d);
                    continue;
                }
                ref T packedK = ref Pack(buffer, 0, k, b, h, n, d);
                ref T packedV = ref Pack(buffer, packedLength, v, b, h, n, d);
                // Blocks of rows: the logits of a block (a loop of its own, so that the latency chains of consecutive
                // rows overlap), their softmax in place, and the weighted sums of V, while the block's
                // probabilities are still cached.
                for (int i0 = 0; i0 < n; i0 += RowBlock)
                {
                    int i1 = Math.Min(n, i0 + RowBlock);
                    int e0 = rowPtr[i0], e1 = rowPtr[i1];
                    var pb = probBlock != null ? probBlock.AsSpan(0, e1 - e0) : p[e0..e1];
                    RowLogits(ref q0, q.SN, ref packedK, rowPtr, cols, i0, i1, pb, scale, d);
                    Gather(pb, rowPtr, cols, i0, i1, ref packedV, ref rows.Target(b, h, i0), rows.Stride, d);
                    rows.Flush(b, h, i0, i1);
                    if (probBlock != null && e1 > e0) StreamCopy(ref probBlock[0], ref p[e0], e1 - e0);
                }
            }
            ArrayPool<T>.Shared.Return(buffer);
            if (scratch != null) ArrayPool<T>.Shared.Return(scratch);
            rows.Dispose();
            if (probBlock != null) ArrayPool<T>.Shared.Return(probBlock);
        }
    }

    /// <summary>dst[e - rowPtr[i0]] = softmax over row i of scale * q_i . k_j for the rows [i0, i1), k packed [n, d].</summary>
    private static void RowLogits(ref T q0, int qStride, ref T packedK, int[] rowPtr, int[] cols, int i0, int i1, Span<T> dst, T scale, int d)
    {
        if (BatchedDots256(d))
        {
            DotsSoftmax256(ref q0, qStride, ref packedK, rowPtr, cols, i0, i1, dst, scale, d);
            return;
        }
        Dots(ref q0, qStride, ref packedK, rowPtr, cols, i0, i1, dst, d);
        int e0 = rowPtr[i0];
        for (int i = i0; i < i1; i++)
            if (rowPtr[i] < rowPtr[i + 1]) Softmax(dst.Slice(rowPtr[i] - e0, rowPtr[i + 1] - rowPtr[i]), scale);
    }

    /// <summary>
    /// Whether each (batch, head) runs its passes with one packed [n, d] matrix at a time (the forward: K, then V; the
    /// backward: V, the dV accumulator, K, the dK accumulator) instead of two: when two would take more than three
    /// quarters of a core's L2 cache, where the random reads of one matrix evicted the other (n above about 3000 for
    /// head dim 16 with a 512 KB L2). Each row's arithmetic, and the scatters' order, are the same either way, so the
    /// results are the same bits; the split passes read the streamed inputs and per-edge values twice.
    /// </summary>
    internal static bool SplitsPasses(int n, int d) =>
        SplitOverride ?? 2L * n * d * Unsafe.SizeOf<T>() > CpuCaches.L2Bytes * 3 / 4;

    /// <summary>Tests only: forces the split (true) or the paired (false) passes; null leaves the choice to the cache size.</summary>
    internal static bool? SplitOverride { get; set; }

    /// <summary>
    /// Gradients given dO: dS_e = p_e (dO_i.v_j - sum_e' p_e' dO_i.v_j'); dq_i = scale sum_e dS_e k_j,
    /// dk_j = scale sum_{e into j} dS_e q_i and dv_j = sum_{e into j} p_e dO_i (scattered along the edges in
    /// ascending row order). Every row of the non-null targets is written; null targets are skipped.
    /// </summary>
    public static void Backward(int n, int[] rowPtr, int[] cols, int nnz, T scale, HeadView<T> q, HeadView<T> k, HeadView<T> v, HeadView<T> dO,
        T[] probs, int batch, int heads, int d, HeadView<T>? dq, HeadView<T>? dk, HeadView<T>? dv)
    {
        CpuParallel.For(batch * heads, ItemGrain(batch * heads, heads, (long)nnz * d * 8),
            new BackwardItems(n, rowPtr, cols, nnz, scale, q, k, v, dO, probs, batch, heads, d, dq, dk, dv, SplitsPasses(n, d)));
    }

    /// <summary>The (batch, head) items [start, end) of <see cref="Backward"/>; <c>split</c>: <see cref="SplitsPasses"/>.</summary>
    private readonly struct BackwardItems(int n, int[] rowPtr, int[] cols, int nnz, T scale, HeadView<T> q, HeadView<T> k, HeadView<T> v,
        HeadView<T> dO, T[] probs, int batch, int heads, int d, HeadView<T>? dq, HeadView<T>? dk, HeadView<T>? dv, bool split) : IRangeBody
    {
        public void Run(int start, int end)
        {
            bool needDq = dq.HasValue, needDk = dk.HasValue, needDv = dv.HasValue;
            var (dqv, dkv, dvv) = (dq.GetValueOrDefault(), dk.GetValueOrDefault(), dv.GetValueOrDefault());
            int packedLength = PackedLength(n, d);
            // A packed input matrix and a packed accumulator, then scale * dS of one (batch, head) in edge order.
            var buffer = ArrayPool<T>.Shared.Rent(2 * packedLength);
            var sds = ArrayPool<T>.Shared.Rent(Math.Max(1, nnz));
            var s = sds.AsSpan(0, nnz);
            var rows = new RowStream(dqv, n, d, needDq ? batch * heads : 0);
            for (int bh = start; bh < end; bh++)
            {
                int b = bh / heads, h = bh - b * heads;
                var p = probs.AsSpan(bh * nnz, nnz);
                if (bh + 1 < end)
                {
                    PrefetchLeadingRows(bh + 1, heads, n, v, dO, k, q);
                    // Absent targets are default views: no data, nothing to prefetch.
                    PrefetchLeadingRows(bh + 1, heads, n, dvv, dkv, dqv, default);
                }
                if (split)
                {
                    BackwardSplit(n, rowPtr, cols, scale, q, k, v, dO, p, s, buffer, packedLength, b, h, d, batch * heads, dqv, dkv, dvv,
                        needDq, needDk, needDv, rows);
                    continue;
                }
                // Pass 1 reads V and updates dV, a block of rows at a time: the dots dO_i.v_j, dv_j += p_e dO_i, then
                // dS from the dots.
                ref T packed = ref Pack(buffer, 0, v, b, h, n, d);
                ref T acc = ref Accumulator(buffer, packedLength, n, d, needDv);
                ref T dO0 = ref dO.Row(b, h, 0);
                for (int i0 = 0; i0 < n; i0 += RowBlock)
                {
                    int i1 = Math.Min(n, i0 + RowBlock);
                    Dots(ref dO0, dO.SN, ref packed, rowPtr, cols, i0, i1, s[rowPtr[i0]..], d);
                    if (needDv) Scatter(p[rowPtr[i0]..], rowPtr, cols, i0, i1, ref dO0, dO.SN, ref acc, d);
                    DsFromDotsOfRows(s, p, rowPtr, i0, i1, scale);
                }
                if (needDv) Unpack(ref acc, dvv, b, h, n, d, batch * heads);
                if (!needDq && !needDk) continue;
                // Pass 2 reads K and updates dK: dq_i = sum_e s_e k_j, dk_j += s_e q_i.
                packed = ref Pack(buffer, 0, k, b, h, n, d);
                acc = ref Accumulator(buffer, packedLength, n, d, needDk);
                ref T q0 = ref q.Row(b, h, 0);
                if (!needDq) Scatter(s, rowPtr, cols, 0, n, ref q0, q.SN, ref acc, d);
                else
                    for (int i0 = 0; i0 < n; i0 += RowBlock)
                    {
                        int i1 = Math.Min(n, i0 + RowBlock);
                        if (needDk) GatherScatter(s[rowPtr[i0]..], rowPtr, cols, i0, i1, ref packed, ref rows.Target(b, h, i0), rows.Stride, ref q0, q.SN, ref acc, d);
                        else Gather(s[rowPtr[i0]..], rowPtr, cols, i0, i1, ref packed, ref rows.Target(b, h, i0), rows.Stride, d);
                        rows.Flush(b, h, i0, i1);
                    }
                if (needDk) Unpack(ref acc, dkv, b, h, n, d, batch * heads);
            }
            ArrayPool<T>.Shared.Return(buffer);
            ArrayPool<T>.Shared.Return(sds);
            rows.Dispose();
        }
    }

    /// <summary>
    /// One (batch, head) of <see cref="Backward"/> with its passes split (<see cref="SplitsPasses"/>): the dots with V and
    /// dS; the dV scatter; the dq gather from K; the dK scatter. Each pass holds one packed matrix.
    /// </summary>
    private static void BackwardSplit(int n, int[] rowPtr, int[] cols, T scale, HeadView<T> q, HeadView<T> k, HeadView<T> v, HeadView<T> dO,
        Span<T> p, Span<T> s, T[] buffer, int packedLength, int b, int h, int d, int items, HeadView<T> dq, HeadView<T> dk, HeadView<T> dv,
        bool needDq, bool needDk, bool needDv, RowStream rows)
    {
        ref T dO0 = ref dO.Row(b, h, 0);
        ref T packed = ref Pack(buffer, 0, v, b, h, n, d);
        for (int i0 = 0; i0 < n; i0 += RowBlock)
        {
            int i1 = Math.Min(n, i0 + RowBlock);
            Dots(ref dO0, dO.SN, ref packed, rowPtr, cols, i0, i1, s[rowPtr[i0]..], d);
            DsFromDotsOfRows(s, p, rowPtr, i0, i1, scale);
        }
        if (needDv)
        {
            ref T acc = ref Accumulator(buffer, packedLength, n, d, true);
            Scatter(p, rowPtr, cols, 0, n, ref dO0, dO.SN, ref acc, d);
            Unpack(ref acc, dv, b, h, n, d, items);
        }
        if (needDq) GatherAllRows(s, rowPtr, cols, n, ref Pack(buffer, 0, k, b, h, n, d), rows, b, h, d);
        if (needDk)
        {
            ref T acc = ref Accumulator(buffer, packedLength, n, d, true);
            Scatter(s, rowPtr, cols, 0, n, ref q.Row(b, h, 0), q.SN, ref acc, d);
            Unpack(ref acc, dk, b, h, n, d, items);
        }
    }

    /// <summary>In place, for the rows [i0, i1) with edges: s = scale * ((s - sum_e p_e s_e) * p), s and p in edge order.</summary>
    private static void DsFromDotsOfRows(Span<T> s, ReadOnlySpan<T> p, int[] rowPtr, int i0, int i1, T scale)
    {
        for (int i = i0; i < i1; i++)
            if (rowPtr[i] < rowPtr[i + 1])
                DsFromDots(s.Slice(rowPtr[i], rowPtr[i + 1] - rowPtr[i]), p.Slice(rowPtr[i], rowPtr[i + 1] - rowPtr[i]), scale);
    }

    /// <summary>The split passes' weighted sums: every row of item (b, h) of the output gathers w over the packed [n, d] src, a block of rows at a time.</summary>
    private static void GatherAllRows(ReadOnlySpan<T> w, int[] rowPtr, int[] cols, int n, ref T src, RowStream rows, int b, int h, int d)
    {
        for (int i0 = 0; i0 < n; i0 += RowBlock)
        {
            int i1 = Math.Min(n, i0 + RowBlock);
            Gather(w[rowPtr[i0]..], rowPtr, cols, i0, i1, ref src, ref rows.Target(b, h, i0), rows.Stride, d);
            rows.Flush(b, h, i0, i1);
        }
    }

    /// <summary>
    /// Rows ahead of the current one whose lines the row loops prefetch. The rows of q, k, v, dO and of the outputs
    /// are one cache line each, a whole row of the [B, N, 3 H Dh] or [B, N, H Dh] tensor apart, which the hardware
    /// prefetchers do not follow; in a training step they come from L3 or memory. Prefetching 48 rows ahead made the
    /// Sudoku 9x9 training step 5-7% faster than no prefetch (6, 12 and 24 rows gained less).
    /// </summary>
    private const int PrefetchDistance = 48;

    /// <summary>Asks for the cache line of the row <paramref name="rowsAhead"/> rows of <paramref name="stride"/> after <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchRow(ref T row, int rowsAhead, int stride)
    {
        // A prefetch never faults, so the address may lie past the tensor's end.
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref row, (nint)rowsAhead * stride)));
    }

    /// <summary>
    /// (batch, head) items per parallel chunk: enough for about 32K units of work (<paramref name="costPerItem"/> each),
    /// else up to one batch element's heads while there are at least 32 chunks. A thread then knows the item it does
    /// next and prefetches its first rows (1-2% of the Sudoku 9x9 training step, half of it from the longer chunks
    /// alone). Fewer chunks cost more at the end of the loop: 16 chunks instead of 32 made the Sudoku 25x25 step (32
    /// items) 1.7% slower. Items are independent, so results do not depend on the chunking.
    /// </summary>
    private static int ItemGrain(int items, int heads, long costPerItem) =>
        Math.Max(CpuParallel.Grain((int)Math.Clamp(costPerItem, 1, int.MaxValue)), Math.Min(heads, items / 32));

    /// <summary>
    /// Prefetches the first <see cref="PrefetchDistance"/> rows of item (b, h) of <paramref name="m"/>: the rows the
    /// row loops' own prefetches, which look that far ahead, do not reach in time.
    /// </summary>
    private static void PrefetchLeadingRows(HeadView<T> m, int b, int h, int n)
    {
        if (m.Data == null) return;
        ref T row = ref m.Row(b, h, 0);
        int rows = Math.Min(n, PrefetchDistance);
        for (int i = 0; i < rows; i++) PrefetchRow(ref row, i, m.SN);
    }

    /// <summary><see cref="PrefetchLeadingRows(HeadView{T}, int, int, int)"/> of item <paramref name="item"/> (b * heads + h) of four matrices.</summary>
    private static void PrefetchLeadingRows(int item, int heads, int n, HeadView<T> m0, HeadView<T> m1, HeadView<T> m2, HeadView<T> m3)
    {
        int b = item / heads, h = item - b * heads;
        PrefetchLeadingRows(m0, b, h, n);
        PrefetchLeadingRows(m1, b, h, n);
        PrefetchLeadingRows(m2, b, h, n);
        PrefetchLeadingRows(m3, b, h, n);
    }

    /// <summary>The most edges in a block of <see cref="RowBlock"/> rows.</summary>
    private static int MaxBlockEdges(int[] rowPtr, int n)
    {
        int most = 1;
        for (int i0 = 0; i0 < n; i0 += RowBlock) most = Math.Max(most, rowPtr[Math.Min(n, i0 + RowBlock)] - rowPtr[i0]);
        return most;
    }

    /// <summary>Elements to rent for one packed [n, d] matrix: its rows, a cache line of slack for alignment, rounded to whole lines.</summary>
    private static int PackedLength(int n, int d) => ((n * d + LineElements - 1) / LineElements + 1) * LineElements;

    /// <summary>The first cache-line-aligned element of <paramref name="buffer"/> at or after <paramref name="from"/>.</summary>
    private static unsafe ref T AlignedStart(T[] buffer, int from)
    {
        ref T at = ref buffer[from];
        int misalignment = (int)((nuint)Unsafe.AsPointer(ref at) & 63) / Unsafe.SizeOf<T>();
        // A moved array only costs alignment, never correctness: the rows are addressed from this reference.
        return ref Unsafe.Add(ref at, misalignment == 0 ? 0 : LineElements - misalignment);
    }

    /// <summary>Copies rows (b, h, 0..n) of <paramref name="src"/> into <paramref name="buffer"/> from element <paramref name="from"/> on, [n, d] contiguous and cache-line aligned.</summary>
    private static ref T Pack(T[] buffer, int from, HeadView<T> src, int b, int h, int n, int d)
    {
        ref T dst = ref AlignedStart(buffer, from);
        ref T row = ref src.Row(b, h, 0);
        if (src.SN == d)
            MemoryMarshal.CreateReadOnlySpan(ref row, n * d).CopyTo(MemoryMarshal.CreateSpan(ref dst, n * d));
        else CopyRows(ref row, src.SN, ref dst, d, n, d);
        return ref dst;
    }

    /// <summary>The second packed [n, d] matrix of <paramref name="buffer"/>, zero-filled when it will be used.</summary>
    private static ref T Accumulator(T[] buffer, int packedLength, int n, int d, bool used)
    {
        ref T acc = ref AlignedStart(buffer, packedLength);
        if (used) MemoryMarshal.CreateSpan(ref acc, n * d).Clear();
        return ref acc;
    }

    /// <summary>Copies the packed [n, d] rows back into rows (b, h, 0..n) of <paramref name="dst"/>.</summary>
    private static void Unpack(ref T packed, HeadView<T> dst, int b, int h, int n, int d, int items)
    {
        ref T row = ref dst.Row(b, h, 0);
        if (dst.SN == d && Streams(n, d, items))
            StreamCopy(ref packed, ref row, n * d);
        else if (dst.SN == d)
            MemoryMarshal.CreateReadOnlySpan(ref packed, n * d).CopyTo(MemoryMarshal.CreateSpan(ref row, n * d));
        else CopyRows(ref packed, d, ref row, dst.SN, n, d);
    }

    /// <summary>
    /// Copies n rows of d elements between strided matrices. Rows of whole 512-bit vectors (256-bit without AVX-512)
    /// are copied with vector loads and stores in place: a call to the general copy per row of one vector cost more
    /// than the copy.
    /// </summary>
    private static void CopyRows(ref T src, int srcStride, ref T dst, int dstStride, int n, int d)
    {
        if (Vector512.IsHardwareAccelerated && d % Vector512<T>.Count == 0)
            CopyVectorRows<Vector512<T>>(ref src, srcStride, ref dst, dstStride, n, d);
        else if (Vector256.IsHardwareAccelerated && d % Vector256<T>.Count == 0)
            CopyVectorRows<Vector256<T>>(ref src, srcStride, ref dst, dstStride, n, d);
        else
            for (int i = 0; i < n; i++)
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref src, (nint)i * srcStride), d)
                    .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dst, (nint)i * dstStride), d));
    }

    /// <summary><see cref="CopyRows"/> for d a multiple of <typeparamref name="TVector"/>'s lanes, a vector move at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyVectorRows<TVector>(ref T src, int srcStride, ref T dst, int dstStride, int n, int d) where TVector : unmanaged
    {
        int lanes = Unsafe.SizeOf<TVector>() / Unsafe.SizeOf<T>();
        for (int i = 0; i < n; i++)
        {
            ref T from = ref Unsafe.Add(ref src, (nint)i * srcStride);
            ref T to = ref Unsafe.Add(ref dst, (nint)i * dstStride);
            if (i + PrefetchDistance < n)
            {
                PrefetchRow(ref from, PrefetchDistance, srcStride);
                PrefetchRow(ref to, PrefetchDistance, dstStride);
            }
            for (int c = 0; c < d; c += lanes)
                Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref to, c)), Unsafe.ReadUnaligned<TVector>(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref from, c))));
        }
    }

    /// <summary>
    /// Whether an output of <paramref name="items"/> [n, d] matrices is written with non-temporal stores: when it is
    /// larger than a core's L2 cache (1 MB here), so that it would only go out to memory after evicting the packed
    /// matrices. Smaller outputs stay cached for the ops that read them next.
    /// </summary>
    private static bool Streams(int n, int d, int items) =>
        Avx.IsSupported && (long)items * n * d * Unsafe.SizeOf<T>() >= StreamBytes;

    /// <summary>Output size from which <see cref="Streams"/> holds.</summary>
    private const long StreamBytes = 2 << 20;

    /// <summary>
    /// Where the rows of an output are computed: straight into the output, or, when it <see cref="Streams"/> and its
    /// rows are contiguous, into a small per-thread block that <see cref="Flush"/> copies out with non-temporal stores.
    /// </summary>
    private readonly ref struct RowStream
    {
        private readonly HeadView<T> _dst;
        private readonly T[]? _block;
        private readonly int _d;

        /// <summary>Stride between the rows of <see cref="Target"/>.</summary>
        public int Stride => _block != null ? _d : _dst.SN;

        public RowStream(HeadView<T> dst, int n, int d, int items)
        {
            _dst = dst;
            _d = d;
            if (items > 0 && dst.SN == d && Streams(n, d, items)) _block = ArrayPool<T>.Shared.Rent(RowBlock * d);
        }

        /// <summary>Where row i0 of a block of rows is to be written.</summary>
        public ref T Target(int b, int h, int i0) => ref _block != null ? ref MemoryMarshal.GetArrayDataReference(_block) : ref _dst.Row(b, h, i0);

        /// <summary>Copies rows [i0, i1) out, when they went to the block.</summary>
        public void Flush(int b, int h, int i0, int i1)
        {
            if (_block != null) StreamCopy(ref MemoryMarshal.GetArrayDataReference(_block), ref _dst.Row(b, h, i0), (i1 - i0) * _d);
        }

        public void Dispose()
        {
            if (_block != null) ArrayPool<T>.Shared.Return(_block);
        }
    }

    /// <summary>
    /// Copies <paramref name="count"/> elements to memory that will not be read again soon: the whole cache lines of
    /// the destination with non-temporal stores, which neither read the lines first nor evict cached data.
    /// </summary>
    private static unsafe void StreamCopy(ref T src, ref T dst, int count)
    {
        int bytes = count * Unsafe.SizeOf<T>();
        fixed (T* pd = &dst)
        fixed (T* ps = &src)
        {
            byte* d0 = (byte*)pd, s0 = (byte*)ps;
            int head = Math.Min(bytes, (int)((64 - ((nuint)d0 & 63)) & 63));
            new ReadOnlySpan<byte>(s0, head).CopyTo(new Span<byte>(d0, head));
            int at = head;
            if (Avx512F.IsSupported)
                for (; at <= bytes - 64; at += 64)
                    Avx512F.StoreAlignedNonTemporal((float*)(d0 + at), Vector512.Load((float*)(s0 + at)));
            else
                for (; at <= bytes - 64; at += 64)
                {
                    Avx.StoreAlignedNonTemporal((float*)(d0 + at), Vector256.Load((float*)(s0 + at)));
                    Avx.StoreAlignedNonTemporal((float*)(d0 + at + 32), Vector256.Load((float*)(s0 + at + 32)));
                }
            new ReadOnlySpan<byte>(s0 + at, bytes - at).CopyTo(new Span<byte>(d0 + at, bytes - at));
        }
        // Orders the non-temporal stores before whatever the thread does next, the join included.
        Sse.StoreFence();
    }

    // Rows of w..4w elements (w = Vector256 lanes; 8..32 floats, the usual degrees) are handled without loops,
    // so a row costs no loop-exit mispredictions: as four vectors at offsets 0, w, 2w, 3w, each clamped to
    // length - w. Every element lies in at least one of them; Fresh(j) keeps the lanes of vector j that no earlier
    // vector holds, so sums count each element once. Overlapping lanes of elementwise results are equal, so the
    // stores may overlap. Longer rows take the 512-bit loops of the LongRows part (with AVX-512: 9% off the forward
    // at Sudoku 25x25's 65 keys per row), else 256-bit loops whose last, partial vector overlaps the one before it.
    // Either way every element of a row goes through the same vector exp, and the rounding depends on the row's
    // length alone.

    /// <summary>Offsets of the four vectors of a row of w..4w elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (nuint O1, nuint O2, nuint O3) ShortOffsets(int length)
    {
        int w = Vector256<T>.Count, last = length - w;
        return ((nuint)Math.Min(w, last), (nuint)Math.Min(2 * w, last), (nuint)last);
    }

    /// <summary>Lanes of the vector at <paramref name="offset"/> not held by the one at <paramref name="previous"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fresh(nuint previous, nuint offset) =>
        Vector256.GreaterThanOrEqual(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating((int)previous + Vector256<T>.Count - (int)offset)));

    /// <summary>The largest lane (branch-free).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T HorizontalMax(Vector256<T> v)
    {
        var h = Vector128.MaxNative(v.GetLower(), v.GetUpper());
        if (typeof(T) == typeof(float))
        {
            var f = h.As<T, float>();
            f = Vector128.MaxNative(f, Vector128.Shuffle(f, Vector128.Create(2, 3, 0, 1)));
            f = Vector128.MaxNative(f, Vector128.Shuffle(f, Vector128.Create(1, 0, 3, 2)));
            return f.As<float, T>().ToScalar();
        }
        var g = h.As<T, double>();
        g = Vector128.MaxNative(g, Vector128.Shuffle(g, Vector128.Create(1L, 0L)));
        return g.As<double, T>().ToScalar();
    }

    /// <summary>e^x for x &lt;= 0 (logits less their row's maximum): <see cref="VectorExp.ExpOfNonPositive(Vector256{float})"/> for floats, <see cref="SimdMath{T}.Exp(Vector256{T})"/> for doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> ExpOfNonPositive(Vector256<T> x) =>
        typeof(T) == typeof(float) ? VectorExp.ExpOfNonPositive(x.As<T, float>()).As<float, T>() : SimdMath<T>.Exp(x);

    /// <summary>In place: p = softmax(scale * p) for one row of dot products.</summary>
    private static void Softmax(Span<T> p, T scale)
    {
        int length = p.Length, w = Vector256<T>.Count;
        if (!Vector256.IsHardwareAccelerated || length < w)
        {
            T top = T.NegativeInfinity, total = T.Zero;
            for (int e = 0; e < length; e++) top = T.MaxNative(top, p[e] *= scale);
            for (int e = 0; e < length; e++) total += p[e] = T.Exp(p[e] - top);
            for (int e = 0; e < length; e++) p[e] *= T.One / total;
            return;
        }
        ref T p0 = ref MemoryMarshal.GetReference(p);
        if (length <= 4 * w)
        {
            var (o1, o2, o3) = ShortOffsets(length);
            var x0 = Vector256.LoadUnsafe(ref p0) * scale;
            var x1 = Vector256.LoadUnsafe(ref p0, o1) * scale;
            var x2 = Vector256.LoadUnsafe(ref p0, o2) * scale;
            var x3 = Vector256.LoadUnsafe(ref p0, o3) * scale;
            var top = Vector256.Create(HorizontalMax(Vector256.MaxNative(Vector256.MaxNative(x0, x1), Vector256.MaxNative(x2, x3))));
            var y0 = ExpOfNonPositive(x0 - top);
            var y1 = ExpOfNonPositive(x1 - top);
            var y2 = ExpOfNonPositive(x2 - top);
            var y3 = ExpOfNonPositive(x3 - top);
            var total = y0 + (y1 & Fresh(0, o1)) + (y2 & Fresh(o1, o2)) + (y3 & Fresh(o2, o3));
            var scaleBy = Vector256.Create(T.One / Vector256.Sum(total));
            (y0 * scaleBy).StoreUnsafe(ref p0);
            (y1 * scaleBy).StoreUnsafe(ref p0, o1);
            (y2 * scaleBy).StoreUnsafe(ref p0, o2);
            (y3 * scaleBy).StoreUnsafe(ref p0, o3);
            return;
        }
        if (LongRow(length))
        {
            SoftmaxLong(ref p0, length, scale);
            return;
        }
        int full = length - length % w;
        var vmax = Vector256.Create(T.NegativeInfinity);
        for (int e = 0; e < full; e += w)
        {
            var y = Vector256.LoadUnsafe(ref p0, (nuint)e) * scale;
            y.StoreUnsafe(ref p0, (nuint)e);
            vmax = Vector256.MaxNative(vmax, y);
        }
        T max = HorizontalMax(vmax);
        for (int e = full; e < length; e++) max = T.MaxNative(max, p[e] *= scale);
        vmax = Vector256.Create(max);
        // The last w elements, taken before the main loop overwrites the part they share with it.
        var last = ExpOfNonPositive(Vector256.LoadUnsafe(ref p0, (nuint)(length - w)) - vmax);
        var sum = Vector256<T>.Zero;
        for (int e = 0; e < full; e += w)
        {
            var y = ExpOfNonPositive(Vector256.LoadUnsafe(ref p0, (nuint)e) - vmax);
            y.StoreUnsafe(ref p0, (nuint)e);
            sum += y;
        }
        last.StoreUnsafe(ref p0, (nuint)(length - w));
        sum += last & Fresh((nuint)(full - w), (nuint)(length - w));
        T inv = T.One / Vector256.Sum(sum);
        for (int e = 0; e < full; e += w) (Vector256.LoadUnsafe(ref p0, (nuint)e) * inv).StoreUnsafe(ref p0, (nuint)e);
        for (int e = full; e < length; e++) p[e] *= inv;
    }

    /// <summary>In place, for one row: s = scale * ((s - sum_e p_e s_e) * p).</summary>
    private static void DsFromDots(Span<T> s, ReadOnlySpan<T> p, T scale)
    {
        int length = s.Length, w = Vector256<T>.Count;
        if (Vector256.IsHardwareAccelerated && length >= w && length <= 4 * w)
        {
            var (o1, o2, o3) = ShortOffsets(length);
            ref T s0 = ref MemoryMarshal.GetReference(s);
            ref T p0 = ref MemoryMarshal.GetReference(p);
            var a0 = Vector256.LoadUnsafe(ref s0);
            var a1 = Vector256.LoadUnsafe(ref s0, o1);
            var a2 = Vector256.LoadUnsafe(ref s0, o2);
            var a3 = Vector256.LoadUnsafe(ref s0, o3);
            var b0 = Vector256.LoadUnsafe(ref p0);
            var b1 = Vector256.LoadUnsafe(ref p0, o1);
            var b2 = Vector256.LoadUnsafe(ref p0, o2);
            var b3 = Vector256.LoadUnsafe(ref p0, o3);
            var dot = a0 * b0 + (a1 * b1 & Fresh(0, o1)) + (a2 * b2 & Fresh(o1, o2)) + (a3 * b3 & Fresh(o2, o3));
            var rowDot = Vector256.Create(Vector256.Sum(dot));
            (scale * ((a0 - rowDot) * b0)).StoreUnsafe(ref s0);
            (scale * ((a1 - rowDot) * b1)).StoreUnsafe(ref s0, o1);
            (scale * ((a2 - rowDot) * b2)).StoreUnsafe(ref s0, o2);
            (scale * ((a3 - rowDot) * b3)).StoreUnsafe(ref s0, o3);
            return;
        }
        if (LongRow(length))
        {
            DsFromDotsLong(ref MemoryMarshal.GetReference(s), ref MemoryMarshal.GetReference(p), length, scale);
            return;
        }
        T r = SimdMath<T>.Dot(p, s);
        int e = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; e <= length - w; e += w)
                (scale * ((Vector256.Create((ReadOnlySpan<T>)s.Slice(e, w)) - Vector256.Create(r)) * Vector256.Create(p.Slice(e, w))))
                    .CopyTo(s.Slice(e, w));
        for (; e < length; e++) s[e] = scale * ((s[e] - r) * p[e]);
    }
}
