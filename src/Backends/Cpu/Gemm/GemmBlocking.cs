namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Cache block sizes and the fixed task decomposition of one GEMM. Everything here is a function of
/// the problem shape and the kernel tile only, never of the thread count, which is what keeps the
/// summation order, and so the result bits, the same for any degree of parallelism.
/// </summary>
internal readonly struct GemmBlocking
{
    // A KC x NR packed B panel (32 KB of floats at KC = 256) is reused by every A panel of the block,
    // so it should live in L1 (48 KB on Zen 5, 32 KB on Zen 4); the MC x KC packed A block (192 KB)
    // stays in the 1 MB L2 while the B panels stream past it. NC only bounds the packed B block.
    private const int KcMax = 256;
    private const int McMax = 192;
    private const int NcMax = 512;

    // Below this many multiply-adds a call runs on the calling thread only: a parallel region's round trip
    // costs several microseconds, as long as the whole product takes.
    private const long ParallelWorkThreshold = 1L << 18;

    // When the work is large enough to be shared, split into at least this many tiles so that
    // a few threads get balanced loads.
    private const int MinTasks = 8;

    // A product whose C has too few tiles to share but whose K spans at least this many K blocks is split along
    // K instead (a weight gradient X^T dY: 128 x 128 x 2592). Halving its tiles would read every A and B element
    // once per tile in the other direction, each time from memory; split along K, each element is read once.
    private const int MinKBlocksToSplit = 2;

    // Beyond two parts, each part of a split K spans at least this many K blocks: every part writes a whole partial
    // C and adds it in after the tasks, which thinner parts do not amortise (a 128 x 128 x 2592 weight gradient on
    // two threads, quiet Zen 4: 0.42 ms in eight parts, 0.40 in four, 0.38-0.40 in two). The parts are an even
    // number: in a training step the second thread often joins a region late (woken from sleep, or descheduled on
    // a shared VM), and with two parts the first thread then waits for it at the end; the Sudoku 9x9 training step
    // on Zen 3 was about 6% faster with the weight gradients in four parts than in two (alternating builds, 5 runs).
    private const int KBlocksPerPart = 2;

    public readonly int Mc;
    /// <summary>Rows of the last row blocks, which split the last <see cref="TailSplit"/> blocks of <see cref="Mc"/> rows into halves.</summary>
    public readonly int McTail;
    /// <summary>Rows from which the row blocks are <see cref="McTail"/> high (M when none are).</summary>
    public readonly int TailStart;
    public readonly int Nc;
    public readonly int Kc;
    public readonly int MBlocks;
    public readonly int NBlocks;
    /// <summary>Parts K is split into (1: not split); part s covers [s * Kp, min(K, (s + 1) * Kp)).</summary>
    public readonly int KSplits;
    /// <summary>Length of one part of K.</summary>
    public readonly int Kp;
    public readonly int TaskCount;
    public readonly bool Parallelizable;

    private GemmBlocking(int mc, int mcTail, int tailStart, int nc, int kc, int kSplits, int kp, int mBlocks, int nBlocks, int taskCount, bool parallelizable)
    {
        Mc = mc;
        McTail = mcTail;
        TailStart = tailStart;
        Nc = nc;
        Kc = kc;
        KSplits = kSplits;
        Kp = kp;
        MBlocks = mBlocks;
        NBlocks = nBlocks;
        TaskCount = taskCount;
        Parallelizable = parallelizable;
    }

    /// <summary>
    /// Chooses blocks for a <paramref name="batch"/> of m x n x k products with an mr x nr kernel (m, n, k, batch &gt; 0);
    /// <paramref name="sameB"/>: every batch entry reads the same B, which the driver then packs once for all row blocks.
    /// </summary>
    public static GemmBlocking Create(int batch, int m, int n, int k, int mr, int nr, bool sameB = false)
    {
        int kc = Balanced(k, KcMax, 1);
        int mc = Balanced(m, McMax, mr);
        int nc = Balanced(n, NcMax, nr);

        long work = (long)batch * m * n * k;
        bool parallelizable = work >= ParallelWorkThreshold;
        int kSplits = 1, kp = k;
        long tiles = Tasks(batch, m, n, mc, nc);
        if (parallelizable && batch == 1 && tiles < MinTasks && k >= MinKBlocksToSplit * KcMax)
        {
            kSplits = (int)Math.Min(Ceil(MinTasks, (int)tiles), Math.Max(MinKBlocksToSplit, k / (KBlocksPerPart * KcMax)));
            kSplits = Math.Max(MinKBlocksToSplit, kSplits & ~1);
            kp = Ceil(k, kSplits);
            kc = Balanced(kp, KcMax, 1);
        }
        else if (parallelizable)
        {
            // Halve the longer side of the tile; splitting N repacks A and splitting M repacks B,
            // and a squarer tile keeps both repacking costs small. A B packed once for all row blocks is not
            // repacked when M is split: M goes first then (the sampling step's 1296 x 384 x 128 Q/K/V product
            // packed its A twice in two column blocks).
            while (Tasks(batch, m, n, mc, nc) < MinTasks)
            {
                if (sameB && mc >= 8 * mr)
                {
                    mc = RoundUp(Ceil(mc, 2), mr);
                }
                else if (nc > mc && nc >= 4 * nr)
                {
                    nc = RoundUp(Ceil(nc, 2), nr);
                }
                else if (mc >= 8 * mr)
                {
                    mc = RoundUp(Ceil(mc, 2), mr);
                }
                else if (nc >= 4 * nr)
                {
                    nc = RoundUp(Ceil(nc, 2), nr);
                }
                else
                {
                    break;
                }
            }
        }

        int mBlocks = Ceil(m, mc);
        // The tasks are taken in order by whichever thread is free; when one thread joins a product late or runs slower,
        // the others wait for its last task at the end. Halving the last row blocks halves that wait; the other blocks
        // keep their size, so the extra per-task work is small. Each row's arithmetic does not depend on its block.
        int mcTail = mc, tailStart = m;
        if (parallelizable && kSplits == 1 && mBlocks >= TailSplitMinBlocks && mc >= 4 * mr)
        {
            mcTail = RoundUp(Ceil(mc, 2), mr);
            tailStart = (mBlocks - TailSplit) * mc;
            mBlocks = mBlocks - TailSplit + Ceil(m - tailStart, mcTail);
        }

        int nBlocks = Ceil(n, nc);
        long tasks = (long)batch * mBlocks * nBlocks * kSplits;
        if (tasks > int.MaxValue)
        {
            throw new ArgumentException("The GEMM is too large to decompose into tasks.");
        }

        return new GemmBlocking(mc, mcTail, tailStart, nc, kc, kSplits, kp, mBlocks, nBlocks, (int)tasks, parallelizable && tasks > 1);
    }

    /// <summary>Row blocks of <see cref="Mc"/> rows at the end of M that are split into halves.</summary>
    private const int TailSplit = 2;

    /// <summary>Row blocks from which the last <see cref="TailSplit"/> are split.</summary>
    private const int TailSplitMinBlocks = 6;

    /// <summary>The first row and the height of row block <paramref name="block"/> of an M-row product.</summary>
    public (int Row, int Rows) RowBlock(int block, int m)
    {
        int i0 = block * Mc;
        if (i0 >= TailStart) i0 = TailStart + (block - TailStart / Mc) * McTail;
        return (i0, Math.Min(i0 >= TailStart ? McTail : Mc, m - i0));
    }

    /// <summary>Splits <paramref name="length"/> into the fewest blocks of at most about <paramref name="max"/>, sized evenly and rounded up to <paramref name="granule"/>.</summary>
    private static int Balanced(int length, int max, int granule)
    {
        int blocks = Ceil(length, max);
        return RoundUp(Ceil(length, blocks), granule);
    }

    private static long Tasks(int batch, int m, int n, int mc, int nc) => (long)batch * Ceil(m, mc) * Ceil(n, nc);

    private static int Ceil(int a, int b) => (a + b - 1) / b;

    private static int RoundUp(int a, int granule) => Ceil(a, granule) * granule;
}
