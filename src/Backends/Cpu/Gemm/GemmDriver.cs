using System.Numerics;
using System.Runtime.CompilerServices;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// The blocked GEMM loop nest (GotoBLAS/BLIS order) and its distribution over threads.
/// </summary>
/// <remarks>
/// One task owns one Mc x Nc tile of one batch entry of C and runs the whole K loop for it, so each
/// element of C is produced by exactly one task, in the same order of Kc blocks and micro-kernel steps,
/// whatever the thread count.
/// </remarks>
internal static unsafe class GemmDriver
{
    /// <summary>Computes a validated problem with k &gt; 0, alpha != 0 and non-empty C.</summary>
    public static void Run<T, TKernel>(in GemmProblem<T> problem, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IMicroKernel<T>
    {
        GemmBlocking blocking = GemmBlocking.Create(problem.Batch, problem.M, problem.N, problem.K, TKernel.MR, TKernel.NR);
        if (maxThreads == 1 || !blocking.Parallelizable)
        {
            for (int task = 0; task < blocking.TaskCount; task++)
            {
                RunTile<T, TKernel>(problem, blocking, task);
            }

            return;
        }

        GemmProblem<T> captured = problem;
        CpuWorkers.Run(blocking.TaskCount, maxThreads, task => RunTile<T, TKernel>(captured, blocking, task));
    }

    // This method, the packer, the kernels and the tile write-back are compiled fully optimised on first
    // use: tiered compilation only promotes them after call counting and a background delay, during
    // which the first large products of a process ran unoptimised code (a first 1024^3 call took ~10x longer).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunTile<T, TKernel>(in GemmProblem<T> pr, in GemmBlocking bl, int task)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IMicroKernel<T>
    {
        int mr = TKernel.MR;
        int nr = TKernel.NR;

        // Consecutive tasks walk down M first, so tasks running side by side read the same part of B.
        int tilesPerEntry = bl.MBlocks * bl.NBlocks;
        int entry = task / tilesPerEntry;
        int tile = task - entry * tilesPerEntry;
        int jBlock = tile / bl.MBlocks;
        int iBlock = tile - jBlock * bl.MBlocks;

        int i0 = iBlock * bl.Mc;
        int j0 = jBlock * bl.Nc;
        int mcur = Math.Min(bl.Mc, pr.M - i0);
        int ncur = Math.Min(bl.Nc, pr.N - j0);
        int mPanels = (mcur + mr - 1) / mr;
        int nPanels = (ncur + nr - 1) / nr;

        T* a = pr.A + entry * pr.StrideA;
        T* b = pr.B + entry * pr.StrideB;
        T* c = pr.C + entry * pr.StrideC;
        nint lda = pr.Lda;
        nint ldb = pr.Ldb;
        nint ldc = pr.Ldc;

        // Regions are rounded to 16 elements so every region starts 64-byte aligned.
        nint aSize = RoundTo16((nint)mPanels * mr * bl.Kc);
        nint bSize = RoundTo16((nint)nPanels * nr * bl.Kc);
        PackBuffer<T> buffer = PackBuffer<T>.Rent();
        try
        {
            T* packA = buffer.Ensure(aSize + bSize + mr * nr);
            T* packB = packA + aSize;
            T* scratch = packB + bSize;

            for (int p0 = 0; p0 < pr.K; p0 += bl.Kc)
            {
                int kc = Math.Min(bl.Kc, pr.K - p0);

                T* srcB = pr.TransB ? b + j0 * ldb + p0 : b + p0 * ldb + j0;
                PanelPacker.Pack(srcB, pr.TransB ? ldb : 1, pr.TransB ? 1 : ldb, ncur, kc, nr, packB);
                T* srcA = pr.TransA ? a + p0 * lda + i0 : a + i0 * lda + p0;
                PanelPacker.Pack(srcA, pr.TransA ? 1 : lda, pr.TransA ? lda : 1, mcur, kc, mr, packA);

                // Later K blocks add onto what the earlier ones stored.
                T beta = p0 == 0 ? pr.Beta : T.One;
                for (int jp = 0; jp < nPanels; jp++)
                {
                    int cols = Math.Min(nr, ncur - jp * nr);
                    T* pb = packB + (nint)jp * nr * kc;
                    for (int ip = 0; ip < mPanels; ip++)
                    {
                        int rows = Math.Min(mr, mcur - ip * mr);
                        T* pa = packA + (nint)ip * mr * kc;
                        T* cTile = c + (i0 + ip * mr) * ldc + j0 + jp * nr;
                        if (rows == mr && cols == nr)
                        {
                            TKernel.Run(kc, pa, pb, cTile, ldc, pr.Alpha, beta);
                        }
                        else
                        {
                            TKernel.Run(kc, pa, pb, scratch, nr, T.One, T.Zero);
                            TileWriteBack.Merge(scratch, nr, cTile, ldc, rows, cols, pr.Alpha, beta);
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

    private static nint RoundTo16(nint n) => (n + 15) & ~(nint)15;
}
