using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
namespace GsdmCore.Backends.Cpu;

/// <summary>
/// The forward of graph-sparse attention in single precision on machines with AVX2 and FMA but no AVX-512, for head
/// dim 16 and a head count that is a multiple of eight: one work item is one batch element's group of eight heads,
/// whose values per edge fill one 256-bit vector (lane h = head h). Against the per-head forward
/// (<see cref="SparseAttentionKernels{T}"/>), a row's softmax then runs down its edges, one vector op for eight heads,
/// with no horizontal maximum or sum, no lanes wasted on rows of 21 keys and one division a row for eight heads; and
/// the rows of q, k and v are read where they are, no packed copies. Used where a node's heads lie side by side in k
/// and v (the attention block's [B, N, 3C] projections, node-major tensors), whatever the graph size: on a Zen 3,
/// 0.61-0.92x the per-head forward's time from 81 to 5000 nodes (random graphs of degree 21, batch 8, with the kept
/// probabilities; the fastest tenth of the calls; one run at 1000 nodes read 1.13x, three others 0.82-0.88x). Not where each head's rows form a matrix of their own ([B, H, N, Dh] head-major tensors): there the
/// per-head kernel's packed copy of one head's k (n x 64 bytes) stays in L1 while eight heads' rows do not, and this
/// kernel measured 0.77-0.92x at 81 nodes but 0.99x at 128, 1.13x at 192 and 1.24-1.53x from 256 to 5000.
/// <para>
/// The backward stays the per-head kernel's, whose packed per-head accumulators stay in L1 (a head-group backward,
/// scattering into eight heads' rows at once, was 10-14% slower in isolation). So the probabilities are kept in its
/// [B*H, nnz] layout: a block of edges' vectors is transposed eight edges at a time and stored head by head.
/// </para>
/// <para>
/// Determinism: an item is computed by one thread, rows in ascending order, edges in CSR order; the edge dots reduce
/// by one fixed tree and the weighted sums accumulate per head in edge order, so the results are the same bits for
/// any thread count or chunk order.
/// </para>
/// </summary>
internal static partial class SparseAttentionHeadGroups
{
    /// <summary>The head dimension this kernel is written for.</summary>
    private const int HeadDim = 16;

    /// <summary>Heads per work item: the lanes of a 256-bit float vector.</summary>
    private const int Group = 8;

    /// <summary>
    /// Tests only: true takes this kernel wherever it can run (<see cref="Supports"/>), whatever the layout and on AVX-512
    /// machines too; false never; null leaves the choice to <see cref="Applies"/>'s rule.
    /// </summary>
    internal static bool? Override { get; set; }

    /// <summary>Whether this kernel can run for these shapes here: AVX2 and FMA, head dim 16, a multiple of eight heads.</summary>
    public static bool Supports(int heads, int d) =>
        Avx2.IsSupported && Fma.IsSupported && d == HeadDim && heads > 0 && heads % Group == 0;

    /// <summary>
    /// Whether the forward of these shapes takes this kernel: where it <see cref="Supports"/> them, on machines without
    /// AVX-512 (which keep the per-head kernels' 512-bit loops), when <paramref name="headsSideBySide"/> (a node's heads
    /// are closer together in k and v than consecutive nodes).
    /// </summary>
    public static bool Applies(int heads, int d, bool headsSideBySide) =>
        Supports(heads, d) && (Override ?? (!Vector512.IsHardwareAccelerated && headsSideBySide));

    /// <summary>Whether a [B, H, N, Dh] view keeps a node's heads closer together than consecutive nodes (node-major memory).</summary>
    public static bool HeadsSideBySide(Layout l) => l.Shape[2] <= 1 || l.Strides[1] < l.Strides[2];

    /// <summary>
    /// out_i = sum_{e=(i,j)} p_e v_j per head, p = softmax over row i of scale * q_i.k_j; keeps p in
    /// <paramref name="probs"/> ([B*H, nnz], as the per-head kernels do) when given. Every row of <paramref name="o"/> is
    /// written (zeros for a row without keys).
    /// </summary>
    public static void Forward(int n, int[] rowPtr, int[] cols, int nnz, float scale, HeadView<float> q, HeadView<float> k, HeadView<float> v,
        HeadView<float> o, int batch, int heads, float[]? probs)
    {
        int items = batch * (heads / Group);
        CpuParallel.For(items, CpuParallel.Grain(ItemCost(nnz)), new ForwardItems(n, rowPtr, cols, nnz, scale, q, k, v, o, heads, probs, MaxDegree(rowPtr, n)));
    }

    /// <summary>The items [start, end) of <see cref="Forward"/>: item = b * (heads / 8) + group.</summary>
    private readonly struct ForwardItems(int n, int[] rowPtr, int[] cols, int nnz, float scale, HeadView<float> q, HeadView<float> k,
        HeadView<float> v, HeadView<float> o, int heads, float[]? probs, int maxDegree) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int groups = heads / Group;
            // The per-edge vectors of a block of rows: logits, then probabilities, until the block is stored.
            int capacity = Math.Max(BlockEdges, maxDegree);
            var block = ArrayPool<float>.Shared.Rent(capacity * Group);
            ref float p0 = ref MemoryMarshal.GetArrayDataReference(block);
            ref int c0 = ref MemoryMarshal.GetArrayDataReference(cols);
            for (int item = start; item < end; item++)
            {
                int b = item / groups, h0 = (item - b * groups) * Group;
                ref float k0 = ref k.Row(b, h0, 0);
                ref float v0 = ref v.Row(b, h0, 0);
                // Where head h0's kept probabilities start in probs ([B*H, nnz]).
                long firstHead = (long)(b * heads + h0) * nnz;
                int blockStart = 0;
                for (int i = 0; i < n; i++)
                {
                    int rs = rowPtr[i], length = rowPtr[i + 1] - rs;
                    ref float oi = ref o.Row(b, h0, i);
                    if (length == 0)
                    {
                        ClearHeads(ref oi, o.SH);
                        continue;
                    }
                    if (probs != null && rs + length - blockStart > capacity)
                    {
                        StoreByHead(ref p0, rs - blockStart, probs, firstHead + blockStart, nnz);
                        blockStart = rs;
                    }
                    ref float p = ref Unsafe.Add(ref p0, (probs != null ? rs - blockStart : 0) * Group);
                    ref float qi = ref q.Row(b, h0, i);
                    ref int rowCols = ref Unsafe.Add(ref c0, rs);
                    DotsOfHalf(ref qi, q.SH, 0, ref rowCols, length, ref k0, k.SN, k.SH, ref p);
                    DotsOfHalf(ref qi, q.SH, 4, ref rowCols, length, ref k0, k.SN, k.SH, ref p);
                    SoftmaxDownEdges(ref p, length, scale);
                    WeightedSumsOfHalf(ref p, 0, ref rowCols, length, ref v0, v.SN, v.SH, ref oi, o.SH);
                    WeightedSumsOfHalf(ref p, 4, ref rowCols, length, ref v0, v.SN, v.SH, ref oi, o.SH);
                }
                if (probs != null) StoreByHead(ref p0, rowPtr[n] - blockStart, probs, firstHead + blockStart, nnz);
            }
            ArrayPool<float>.Shared.Return(block);
        }
    }

    /// <summary>Edges per block of kept probabilities (32 KB of vectors): a few rows' worth, stored while still in L1.</summary>
    private const int BlockEdges = 1024;

    /// <summary>
    /// probs[at + h * nnz + e] = block[e * 8 + h] for the <paramref name="count"/> edges of a block: eight edges at a time
    /// as an 8 x 8 transpose in registers (eight vector stores), the rest one by one.
    /// </summary>
    private static void StoreByHead(ref float block, int count, float[] probs, long at, int nnz)
    {
        ref float dst = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(probs), (nint)at);
        int e = 0;
        for (; e <= count - Group; e += Group)
        {
            ref float r = ref Unsafe.Add(ref block, e * Group);
            var t0 = Avx.UnpackLow(Vector256.LoadUnsafe(ref r), Vector256.LoadUnsafe(ref r, 8));
            var t1 = Avx.UnpackHigh(Vector256.LoadUnsafe(ref r), Vector256.LoadUnsafe(ref r, 8));
            var t2 = Avx.UnpackLow(Vector256.LoadUnsafe(ref r, 16), Vector256.LoadUnsafe(ref r, 24));
            var t3 = Avx.UnpackHigh(Vector256.LoadUnsafe(ref r, 16), Vector256.LoadUnsafe(ref r, 24));
            var t4 = Avx.UnpackLow(Vector256.LoadUnsafe(ref r, 32), Vector256.LoadUnsafe(ref r, 40));
            var t5 = Avx.UnpackHigh(Vector256.LoadUnsafe(ref r, 32), Vector256.LoadUnsafe(ref r, 40));
            var t6 = Avx.UnpackLow(Vector256.LoadUnsafe(ref r, 48), Vector256.LoadUnsafe(ref r, 56));
            var t7 = Avx.UnpackHigh(Vector256.LoadUnsafe(ref r, 48), Vector256.LoadUnsafe(ref r, 56));
            // u_h holds edges 0-3 of heads h (low half) and h + 4 (high half); w_h the same for edges 4-7.
            var u0 = Avx.Shuffle(t0, t2, 0x44);
            var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44);
            var u3 = Avx.Shuffle(t1, t3, 0xEE);
            var w0 = Avx.Shuffle(t4, t6, 0x44);
            var w1 = Avx.Shuffle(t4, t6, 0xEE);
            var w2 = Avx.Shuffle(t5, t7, 0x44);
            var w3 = Avx.Shuffle(t5, t7, 0xEE);
            Avx.Permute2x128(u0, w0, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, e));
            Avx.Permute2x128(u1, w1, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, (nint)nnz + e));
            Avx.Permute2x128(u2, w2, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, 2 * (nint)nnz + e));
            Avx.Permute2x128(u3, w3, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, 3 * (nint)nnz + e));
            Avx.Permute2x128(u0, w0, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 4 * (nint)nnz + e));
            Avx.Permute2x128(u1, w1, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 5 * (nint)nnz + e));
            Avx.Permute2x128(u2, w2, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 6 * (nint)nnz + e));
            Avx.Permute2x128(u3, w3, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 7 * (nint)nnz + e));
        }
        for (; e < count; e++)
            for (int h = 0; h < Group; h++) Unsafe.Add(ref dst, h * (nint)nnz + e) = Unsafe.Add(ref block, e * Group + h);
    }

    /// <summary>Units of work of one item for <see cref="CpuParallel.Grain"/>: its edges times its heads' widths, four passes.</summary>
    private static int ItemCost(int nnz) => (int)Math.Clamp((long)nnz * Group * HeadDim * 4, 1, int.MaxValue);

    /// <summary>The most keys in a row (at least 1, so that scratch is never empty).</summary>
    private static int MaxDegree(int[] rowPtr, int n)
    {
        int most = 1;
        for (int i = 0; i < n; i++) most = Math.Max(most, rowPtr[i + 1] - rowPtr[i]);
        return most;
    }

    /// <summary>Zeros the 16 elements of each of the eight heads of one row (head h at <paramref name="row"/> + h * headStride).</summary>
    private static void ClearHeads(ref float row, int headStride)
    {
        for (int h = 0; h < Group; h++)
        {
            ref float at = ref Unsafe.Add(ref row, (nint)h * headStride);
            Vector256<float>.Zero.StoreUnsafe(ref at);
            Vector256<float>.Zero.StoreUnsafe(ref at, 8);
        }
    }
}
