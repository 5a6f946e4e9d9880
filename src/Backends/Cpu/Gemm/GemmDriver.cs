using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// The blocked GEMM loop nest (GotoBLAS/BLIS order) and its distribution over threads.
/// </summary>
/// <remarks>
/// One task owns one Mc x Nc tile of one batch entry of C and runs the whole K loop for it, so each
/// element of C is produced by exactly one task, in the same order of Kc blocks and micro-kernel steps,
/// whatever the thread count. A product split along K (<see cref="GemmBlocking.KSplits"/>) has one task per
/// tile and part; the parts' partial products are added to C after the tasks, in part order, so its bits do
/// not depend on the thread count either.
/// </remarks>
internal static unsafe class GemmDriver
{
    /// <summary>Computes a validated problem with k &gt; 0, alpha != 0 and non-empty C.</summary>
    public static void Run<T, TKernel>(in GemmProblem<T> problem, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IMicroKernel<T>
    {
        bool sameB = problem.Batch == 1 || problem.StrideB == 0;
        GemmBlocking blocking = GemmBlocking.Create(problem.Batch, problem.M, problem.N, problem.K, TKernel.MR, TKernel.NR, sameB);
        // When every batch entry reads the same B and C has several row blocks, each task would pack the same B
        // panels again (a 2592 x 128 x 128 product has 14 row blocks): pack them once, before the tasks.
        // A product split along K instead gets the slot for the partial products of its later parts.
        PackBuffer<T>? shared = null;
        T* sharedB = null, partials = null, rowPartials = null;
        if (blocking.KSplits > 1)
        {
            // The later parts' partial products, then (when asked for) their partial row sums of A.
            nint products = (nint)(blocking.KSplits - 1) * problem.M * problem.N;
            shared = PackBuffer<T>.RentShared();
            partials = shared.Ensure(products + (problem.RowSums != null ? (nint)(blocking.KSplits - 1) * problem.M : 0));
            if (problem.RowSums != null) rowPartials = partials + products;
        }
        else if (blocking.MBlocks > 1 && sameB)
        {
            shared = PackBuffer<T>.RentShared();
            sharedB = PackAllB<T, TKernel>(problem, blocking, shared, maxThreads);
        }
        try
        {
            // One thread runs the tasks in order here, without a region; a shuffled chunk order still gets the region.
            if ((maxThreads == 1 && !CpuWorkers.IsShuffling) || !blocking.Parallelizable)
            {
                for (int task = 0; task < blocking.TaskCount; task++)
                {
                    RunTile<T, TKernel>(problem, blocking, task, sharedB, partials, rowPartials);
                }
            }
            else
            {
                CpuWorkers.Run(blocking.TaskCount, maxThreads, new Tiles<T, TKernel>(problem, blocking, sharedB, partials, rowPartials));
            }

            if (partials != null) AddPartials(problem, blocking.KSplits, partials, maxThreads);
            if (rowPartials != null) GemmRowSums.AddParts(problem, blocking.KSplits, rowPartials);
        }
        finally
        {
            if (shared != null) PackBuffer<T>.ReturnShared(shared);
        }
    }

    /// <summary>
    /// C += the partial products of K parts 1.. (each [M, N] contiguous), added in part order; bands of rows in parallel
    /// (every element is still one thread's sum in part order).
    /// </summary>
    private static void AddPartials<T>(in GemmProblem<T> pr, int kSplits, T* partials, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int bands = Math.Min(pr.M, PartialBands);
        if (maxThreads == 1 || bands == 1)
        {
            AddPartialRows(pr.C, pr.Ldc, pr.M, pr.N, 0, pr.M, kSplits, partials);
            return;
        }

        CpuWorkers.Run(bands, maxThreads, new PartialRowBands<T>(pr.C, pr.Ldc, pr.M, pr.N, bands, kSplits, partials));
    }

    /// <summary>The tasks of <see cref="Run{T, TKernel}"/>: task t computes its tile with <see cref="RunTile{T, TKernel}"/>.</summary>
    private readonly struct Tiles<T, TKernel>(GemmProblem<T> problem, GemmBlocking blocking, T* sharedB, T* partials, T* rowPartials) : IChunkBody
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IMicroKernel<T>
    {
        public void Run(int task) => RunTile<T, TKernel>(problem, blocking, task, sharedB, partials, rowPartials);
    }

    /// <summary>Band b of <see cref="AddPartials{T}"/>: the rows [b m / bands, (b + 1) m / bands).</summary>
    private readonly struct PartialRowBands<T>(T* c, int ldc, int m, int n, int bands, int kSplits, T* partials) : IChunkBody
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int band) => AddPartialRows(c, ldc, m, n, band * m / bands, (band + 1) * m / bands, kSplits, partials);
    }

    /// <summary>Bands of rows the partial products are added in.</summary>
    private const int PartialBands = 8;

    private static void AddPartialRows<T>(T* c, int ldc, int m, int n, int rowBegin, int rowEnd, int kSplits, T* partials)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint size = (nint)m * n;
        for (int i = rowBegin; i < rowEnd; i++)
        {
            var row = new Span<T>(c + (nint)i * ldc, n);
            for (int s = 1; s < kSplits; s++)
                TensorPrimitives.Add(row, new ReadOnlySpan<T>(partials + (s - 1) * size + (nint)i * n, n), row);
        }
    }

    /// <summary>Elements of one shared (column block, K block) region of packed B: the largest block's panels.</summary>
    private static nint SharedSlot(in GemmBlocking bl, int nr) => RoundTo16((nint)((bl.Nc + nr - 1) / nr) * nr * bl.Kc);

    /// <summary>
    /// Packs every (column block, K block) of B (batch entry 0) into its slot, column block major. The panels are
    /// packed in parallel when there are enough of them: done by the calling thread alone, this packing (a transposed
    /// 128 x 128 weight in every forward linear layer) left the other cores idle before each product.
    /// </summary>
    private static T* PackAllB<T, TKernel>(in GemmProblem<T> pr, in GemmBlocking bl, PackBuffer<T> buffer, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IMicroKernel<T>
    {
        var job = new SharedPanels<T>(pr, bl, TKernel.NR);
        T* packed = buffer.Ensure(job.Slot * bl.NBlocks * job.KBlocks);
        int panels = job.Count;
        if (maxThreads == 1 || panels < 2 || (long)pr.N * pr.K < ParallelPackElements)
        {
            for (int panel = 0; panel < panels; panel++) job.Pack(panel, packed);
            return packed;
        }

        CpuWorkers.Run(panels, maxThreads, new PanelPacking<T>(job, packed));
        return packed;
    }

    /// <summary>Chunk p of <see cref="PackAllB{T, TKernel}"/>: packs panel p.</summary>
    private readonly struct PanelPacking<T>(SharedPanels<T> job, T* packed) : IChunkBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int panel) => job.Pack(panel, packed);
    }

    /// <summary>Elements of B from which <see cref="PackAllB{T, TKernel}"/> packs panels in parallel.</summary>
    private const long ParallelPackElements = 8192;

    /// <summary>The panels of a shared packed B, numbered column block major, then K block, then panel.</summary>
    private readonly struct SharedPanels<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly nint _b, _ldb;
        private readonly bool _transB;
        private readonly int _n, _k, _nc, _kc, _nr, _panelsPerBlock;

        /// <summary>K blocks per column block.</summary>
        public int KBlocks { get; }
        /// <summary>Elements of one (column block, K block) region.</summary>
        public nint Slot { get; }
        /// <summary>Panels in all.</summary>
        public int Count { get; }

        public SharedPanels(in GemmProblem<T> pr, in GemmBlocking bl, int nr)
        {
            (_b, _ldb, _transB, _n, _k, _nc, _kc, _nr) = ((nint)pr.B, pr.Ldb, pr.TransB, pr.N, pr.K, bl.Nc, bl.Kc, nr);
            _panelsPerBlock = (bl.Nc + nr - 1) / nr;
            KBlocks = (pr.K + bl.Kc - 1) / bl.Kc;
            Slot = SharedSlot(bl, nr);
            Count = bl.NBlocks * KBlocks * _panelsPerBlock;
        }

        /// <summary>Packs panel <paramref name="index"/> into its place in <paramref name="packed"/>; a panel past a short last block is skipped.</summary>
        public void Pack(int index, T* packed)
        {
            int q = index % _panelsPerBlock, region = index / _panelsPerBlock;
            int jBlock = region / KBlocks, kb = region - jBlock * KBlocks;
            int j0 = jBlock * _nc + q * _nr, p0 = kb * _kc;
            int lines = Math.Min(Math.Min(_nc - q * _nr, _n - j0), _nr);
            if (lines <= 0) return;
            int kc = Math.Min(_kc, _k - p0);
            T* srcB = (T*)_b + (_transB ? j0 * _ldb + p0 : p0 * _ldb + j0);
            PanelPacker.Pack(srcB, _transB ? _ldb : 1, _transB ? 1 : _ldb, lines, kc, _nr, packed + region * Slot + (nint)q * _nr * kc);
        }
    }

    // This method, the packer, the kernels and the tile write-back are compiled fully optimised on first
    // use: tiered compilation only promotes them after call counting and a background delay, during
    // which the first large products of a process ran unoptimised code (a first 1024^3 call took ~10x longer).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunTile<T, TKernel>(in GemmProblem<T> pr, in GemmBlocking bl, int task, T* sharedB, T* partials, T* rowPartials)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IMicroKernel<T>
    {
        int mr = TKernel.MR;
        int nr = TKernel.NR;

        // Consecutive tasks walk down M first, so tasks running side by side read the same part of B.
        int tilesPerEntry = bl.MBlocks * bl.NBlocks;
        int split = task / (pr.Batch * tilesPerEntry);
        task -= split * pr.Batch * tilesPerEntry;
        int entry = task / tilesPerEntry;
        int tile = task - entry * tilesPerEntry;
        int jBlock = tile / bl.MBlocks;
        int iBlock = tile - jBlock * bl.MBlocks;

        var (i0, mcur) = bl.RowBlock(iBlock, pr.M);
        int j0 = jBlock * bl.Nc;
        int ncur = Math.Min(bl.Nc, pr.N - j0);
        int mPanels = (mcur + mr - 1) / mr;
        int nPanels = (ncur + nr - 1) / nr;

        T* a = pr.A + entry * pr.StrideA;
        T* b = pr.B + entry * pr.StrideB;
        T* c = pr.C + entry * pr.StrideC;
        nint lda = pr.Lda;
        nint ldb = pr.Ldb;
        nint ldc = pr.Ldc;
        // K part 0 goes to C (with beta); a later part to its own partial product, which AddPartials adds to C.
        int kBegin = split * bl.Kp, kEnd = Math.Min(pr.K, kBegin + bl.Kp);
        T firstBeta = pr.Beta;
        if (split > 0)
        {
            c = partials + (nint)(split - 1) * pr.M * pr.N;
            ldc = pr.N;
            firstBeta = T.Zero;
        }

        // Regions are rounded to 16 elements so every region starts 64-byte aligned.
        nint aSize = RoundTo16((nint)mPanels * mr * bl.Kc);
        nint bSize = sharedB == null ? RoundTo16((nint)nPanels * nr * bl.Kc) : 0;
        int kBlocks = (pr.K + bl.Kc - 1) / bl.Kc;
        nint slot = SharedSlot(bl, nr);
        PackBuffer<T> buffer = PackBuffer<T>.Rent();
        try
        {
            T* packA = buffer.Ensure(aSize + bSize + mr * nr);
            T* packB = packA + aSize;
            T* scratch = packB + bSize;

            // Full panels the kernel can read where they lie are not packed (InPlaceA, InPlaceB); the rest are, at their
            // usual place in the packed block.
            var (fullA, aLine, aStep) = InPlaceA<T, TKernel>(pr, mcur, nPanels);
            int fullB = InPlaceB<T, TKernel>(pr, ncur, sharedB);
            for (int p0 = kBegin; p0 < kEnd; p0 += bl.Kc)
            {
                int kc = Math.Min(bl.Kc, kEnd - p0);

                T* srcB = pr.TransB ? b + j0 * ldb + p0 : b + p0 * ldb + j0;
                if (sharedB != null)
                {
                    packB = sharedB + (jBlock * kBlocks + p0 / bl.Kc) * slot;
                }
                else if (fullB * nr < ncur)
                {
                    nint skip = (nint)fullB * nr;
                    PanelPacker.Pack(srcB + skip * (pr.TransB ? ldb : 1), pr.TransB ? ldb : 1, pr.TransB ? 1 : ldb, ncur - fullB * nr, kc, nr, packB + skip * kc);
                }

                T* srcA = pr.TransA ? a + p0 * lda + i0 : a + i0 * lda + p0;
                if (fullA * mr < mcur)
                {
                    nint skip = (nint)fullA * mr;
                    PanelPacker.Pack(srcA + skip * (pr.TransA ? 1 : lda), pr.TransA ? 1 : lda, pr.TransA ? lda : 1, mcur - fullA * mr, kc, mr, packA + skip * kc);
                }

                // The row sums of A come from the block this tile reads now (just packed, or about to be read in place,
                // so cached either way), once per row block: by the tasks of the first column block, each part into its own sums.
                if (pr.RowSums != null && jBlock == 0)
                {
                    GemmRowSums.AddBlock(pr, a, i0, mcur, p0, kc, split == 0 ? pr.RowSums : rowPartials + (nint)(split - 1) * pr.M, p0 == kBegin);
                }

                // Later K blocks add onto what the earlier ones stored. The addends go in with the first block of part 0,
                // while the tile is written: the matrix in place of C's old value, the columns on top.
                bool first = split == 0 && p0 == kBegin;
                T* addend = first && pr.Addend != null ? pr.Addend + entry * pr.StrideC : null;
                bool addColumns = first && pr.Columns != null;
                T beta = p0 == kBegin ? (addend != null ? T.One : firstBeta) : T.One;
                for (int jp = 0; jp < nPanels; jp++)
                {
                    int cols = Math.Min(nr, ncur - jp * nr);
                    bool bInPlace = jp < fullB;
                    T* pb = bInPlace ? srcB + (nint)jp * nr : packB + (nint)jp * nr * kc;
                    T* columns = addColumns ? pr.Columns + j0 + jp * nr : null;
                    for (int ip = 0; ip < mPanels; ip++)
                    {
                        int rows = Math.Min(mr, mcur - ip * mr);
                        bool aInPlace = ip < fullA;
                        T* pa = aInPlace ? srcA + (nint)ip * mr * aLine : packA + (nint)ip * mr * kc;
                        nint at = (i0 + ip * mr) * ldc + j0 + jp * nr;
                        T* cTile = c + at;
                        T* source = addend != null ? addend + at : cTile;
                        bool full = rows == mr && cols == nr;
                        if (TKernel.ReadsInPlace)
                        {
                            nint tileALine = aInPlace ? aLine : 1, tileAStep = aInPlace ? aStep : mr, tileBStep = bInPlace ? ldb : nr;
                            if (full)
                            {
                                TKernel.RunInPlace(kc, pa, tileALine, tileAStep, pb, tileBStep, cTile, ldc, pr.Alpha, beta, columns, source);
                                continue;
                            }

                            TKernel.RunInPlace(kc, pa, tileALine, tileAStep, pb, tileBStep, scratch, nr, T.One, T.Zero, null, scratch);
                        }
                        else if (full && (addend != null || columns != null) && TKernel.Fuses)
                        {
                            TKernel.RunFused(kc, pa, pb, cTile, ldc, pr.Alpha, beta, columns, source);
                            continue;
                        }
                        else if (full && addend == null)
                        {
                            TKernel.Run(kc, pa, pb, cTile, ldc, pr.Alpha, beta);
                            if (columns != null)
                            {
                                TileWriteBack.AddColumns(cTile, ldc, rows, cols, columns);
                            }

                            continue;
                        }
                        else
                        {
                            TKernel.Run(kc, pa, pb, scratch, nr, T.One, T.Zero);
                        }

                        TileWriteBack.Merge(scratch, nr, cTile, ldc, rows, cols, pr.Alpha, beta, source);
                        if (columns != null)
                        {
                            TileWriteBack.AddColumns(cTile, ldc, rows, cols, columns);
                        }
                    }
                }
            }
        }
        finally
        {
            PackBuffer<T>.Return(buffer);
        }
    }

    // In-place panels. A kernel that ReadsInPlace takes any operand whose full panels it can address with strides:
    // a transposed A (its MR values of a step are adjacent, as in a packed panel, one stored row apart per step), a
    // row-major B (NR adjacent values per step, one row apart), and a row-major A (four row pointers, one value apart
    // per step). Packing copies the whole operand once per tile, which, for the K-long weight gradient X^T dY, cost
    // as much as a tenth of the product; the values and their order of operations are the same either way.
    // Partial panels stay packed: their zero padding is what keeps the kernel inside the operand.

    /// <summary>
    /// A row-major A is read in place only when a tile has at most this many column panels: each panel reads the
    /// MR rows again, from L1 but through four pointers, where a packed panel is read in order. On 2592 x 128 x K
    /// products (4 panels) in place was 3-6% faster; with 12 and 16 panels 1% and 2% slower.
    /// </summary>
    private const int RowMajorAPanels = 4;

    /// <summary>The A panels of a tile read in place (the first ones, all full), and the line and step strides to read them with.</summary>
    private static (int Panels, nint Line, nint Step) InPlaceA<T, TKernel>(in GemmProblem<T> pr, int mcur, int nPanels)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IMicroKernel<T>
    {
        if (!TKernel.ReadsInPlace) return (0, 1, TKernel.MR);
        if (pr.TransA) return (mcur / TKernel.MR, 1, pr.Lda);
        return nPanels <= RowMajorAPanels ? (mcur / TKernel.MR, pr.Lda, 1) : (0, 1, TKernel.MR);
    }

    /// <summary>The B panels of a tile read in place: the full ones of a row-major B that is not already packed for all tiles.</summary>
    private static int InPlaceB<T, TKernel>(in GemmProblem<T> pr, int ncur, T* sharedB)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IMicroKernel<T> =>
        TKernel.ReadsInPlace && !pr.TransB && sharedB == null ? ncur / TKernel.NR : 0;

    private static nint RoundTo16(nint n) => (n + 15) & ~(nint)15;
}
