using System.Runtime.InteropServices;
using GsdmCore.Backends.Cpu;
using Xunit;

namespace GsdmCore.Backends.Cpu.Tests;

/// <summary>A theory that runs on Linux only (it maps guard pages through libc) and is reported as skipped elsewhere.</summary>
public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "maps guard pages with libc's mmap and mprotect: Linux only";
    }
}

/// <summary>
/// The micro-kernels read full panels of A and B where they lie, without packing. A panel past the operand's last
/// line would read memory beyond it, yet give correct results (the extra lines only feed discarded tile rows and
/// columns): these tests place each operand so that it ends at a page boundary followed by an inaccessible page, so
/// such a read crashes the run instead of passing unnoticed.
/// </summary>
public sealed unsafe class GemmBoundsTests
{
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20;

    [DllImport("libc", SetLastError = true)]
    private static extern nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(nint address, nuint length, int protection);

    [DllImport("libc", SetLastError = true)]
    private static extern int munmap(nint address, nuint length);

    /// <summary><paramref name="count"/> floats ending exactly where an inaccessible page begins.</summary>
    private sealed class GuardedFloats : IDisposable
    {
        private readonly nint _mapping;
        private readonly nuint _length;

        public float* Data { get; }

        public GuardedFloats(int count)
        {
            nuint page = (nuint)Environment.SystemPageSize;
            nuint dataBytes = ((nuint)count * sizeof(float) + page - 1) / page * page;
            _length = dataBytes + page;
            _mapping = mmap(0, _length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            Assert.NotEqual(-1, _mapping);
            Assert.Equal(0, mprotect(_mapping + (nint)dataBytes, page, ProtNone));
            Data = (float*)(_mapping + (nint)dataBytes) - count;
        }

        public void Dispose() => munmap(_mapping, _length);
    }

    public static TheoryData<int, int, int> Shapes => new()
    {
        // Partial last panels in both directions (12 x 32 and 6 x 16 tiles), one and several K blocks.
        { 13, 33, 20 },
        { 25, 70, 300 },
        // Full panels only, and B with a single, partial panel.
        { 24, 64, 7 },
        { 30, 5, 40 },
        // Split along K (one tile, K of several blocks): the last part reads up to the operands' last rows.
        { 13, 33, 600 },
        // Several row blocks: B packed once for all of them, A read in place block by block.
        { 205, 40, 30 },
    };

    [LinuxTheory]
    [MemberData(nameof(Shapes))]
    public void Kernels_never_read_past_the_last_element_of_A_or_B(int m, int n, int k)
    {
        var kinds = new[] { GemmKernelKind.Vector512, GemmKernelKind.Vector256, GemmKernelKind.Scalar }.Where(GemmKernelSelection.IsAccelerated);
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        {
            var rng = new Random(m * 31 + n * 7 + k);
            using var a = new GuardedFloats(m * k);
            using var b = new GuardedFloats(k * n);
            for (int i = 0; i < m * k; i++) a.Data[i] = (float)(rng.NextDouble() * 2 - 1);
            for (int i = 0; i < k * n; i++) b.Data[i] = (float)(rng.NextDouble() * 2 - 1);
            var expected = new double[m * n];
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (double)a.Data[transA ? p * m + i : i * k + p] * b.Data[transB ? j * k + p : p * n + j];
                expected[i * n + j] = sum;
            }

            foreach (GemmKernelKind kind in kinds)
            {
                var c = new float[m * n];
                fixed (float* pc = c)
                {
                    var problem = new GemmProblem<float>(transA, transB, 1, m, n, k, 1f, a.Data, 0, transA ? m : k,
                        b.Data, 0, transB ? k : n, 0f, pc, 0, n);
                    Gemm.Sgemm(kind, problem, 2);
                }

                for (int i = 0; i < m * n; i++)
                    Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-4 * Math.Sqrt(k), $"[{kind}] {(transA ? "T" : "N")}{(transB ? "T" : "N")} C[{i}] = {c[i]}, expected {expected[i]}");
            }
        }
    }
}
