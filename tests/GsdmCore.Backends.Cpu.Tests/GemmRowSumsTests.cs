using GsdmCore.Backends.Cpu;
using Xunit;

namespace GsdmCore.Backends.Cpu.Tests;

/// <summary>
/// The row sums of op(A) a GEMM hands back beside the product (a linear layer's bias gradient from its weight gradient's
/// product): against sums in double precision, the same bits for any thread count, and the product untouched.
/// </summary>
public sealed unsafe class GemmRowSumsTests
{
    private static readonly GemmKernelKind[] SingleKinds =
        new[] { GemmKernelKind.Vector512, GemmKernelKind.Vector256, GemmKernelKind.Scalar }
            .Where(GemmKernelSelection.IsAccelerated).ToArray();

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(13, 33, 257)] // edges of the kernel tiles and of a K block
    [InlineData(128, 128, 2592)] // a weight gradient at Sudoku 9x9: split along K
    [InlineData(384, 128, 2592)] // the Q/K/V weight gradient: two row blocks, split along K
    [InlineData(200, 70, 600)] // several row blocks, K blocks within one part
    [InlineData(30, 1100, 300)] // several column blocks: one of them sums
    [InlineData(7, 5, 0)] // k = 0: the sums are zero
    [InlineData(9, 0, 11)] // n = 0: no product, the sums still come
    public void Row_sums_match_double_sums_on_every_kernel_and_leave_the_product_unchanged(int m, int n, int k)
    {
        foreach (bool transA in new[] { true, false })
        {
            var (a, lda) = Operand(m, k, transA, seed: m + 7 * n + 31 * k);
            var (b, _) = Operand(k, n, false, seed: 5 + m);
            foreach (GemmKernelKind kind in SingleKinds)
            {
                var (plain, _) = Run(kind, transA, m, n, k, a, lda, b, withSums: false, threads: 2);
                var (product, sums) = Run(kind, transA, m, n, k, a, lda, b, withSums: true, threads: 2);
                Assert.True(plain.AsSpan().SequenceEqual(product), $"{kind} transA {transA} {m}x{n}x{k}: the product changed");
                for (int i = 0; i < m; i++)
                {
                    double want = 0, scale = 0;
                    for (int p = 0; p < k; p++)
                    {
                        double v = transA ? a[p * lda + i] : a[i * lda + p];
                        want += v;
                        scale += Math.Abs(v);
                    }
                    Assert.True(Math.Abs(sums[i] - want) <= 1e-6 * (1 + scale),
                        $"{kind} transA {transA} {m}x{n}x{k}: sum {i} = {sums[i]}, want {want}");
                }
            }
        }
    }

    [Theory]
    [InlineData(128, 128, 2592)]
    [InlineData(200, 70, 600)]
    public void Row_sums_are_bit_identical_across_thread_counts(int m, int n, int k)
    {
        foreach (bool transA in new[] { true, false })
        {
            var (a, lda) = Operand(m, k, transA, seed: 3);
            var (b, _) = Operand(k, n, false, seed: 4);
            var one = Run(GemmKernelKind.Auto, transA, m, n, k, a, lda, b, withSums: true, threads: 1).Sums;
            foreach (int threads in new[] { 2, 3 })
                Assert.True(one.AsSpan().SequenceEqual(Run(GemmKernelKind.Auto, transA, m, n, k, a, lda, b, withSums: true, threads).Sums),
                    $"transA {transA} {m}x{n}x{k}: 1 vs {threads} threads differ");
        }
    }

    [Fact]
    public void Double_precision_row_sums_match()
    {
        const int m = 70, n = 20, k = 900;
        double[] a = Enumerable.Range(0, k * m).Select(j => Math.Sin(j * 0.37)).ToArray();
        double[] b = Enumerable.Range(0, k * n).Select(j => Math.Cos(j * 0.11)).ToArray();
        double[] c = new double[m * n], sums = new double[m];
        fixed (double* pa = a, pb = b, pc = c, ps = sums)
            Gemm.Dgemm(true, false, 1, m, n, k, 1.0, pa, 0, m, pb, 0, n, 0.0, pc, 0, n, 2, null, null, ps);
        for (int i = 0; i < m; i++)
        {
            double want = 0;
            for (int p = 0; p < k; p++) want += a[p * m + i];
            Assert.Equal(want, sums[i], 1e-9);
        }
    }

    [Fact]
    public void Row_sums_of_a_batch_are_refused()
    {
        float[] buf = new float[64];
        var error = Assert.Throws<ArgumentException>(() =>
        {
            fixed (float* p = buf)
                Gemm.Sgemm(false, false, 2, 2, 2, 2, 1f, p, 4, 2, p, 4, 2, 0f, p + 16, 4, 2, 1, null, null, p + 40);
        });
        Assert.Contains("single product", error.Message);
    }

    /// <summary>A rows x cols operand stored row-major, or transposed (cols x rows) when <paramref name="transposed"/>, with padded rows.</summary>
    private static (float[] Data, int Ld) Operand(int rows, int cols, bool transposed, int seed)
    {
        var rng = new Random(seed);
        int ld = (transposed ? rows : cols) + 3, stored = transposed ? cols : rows;
        return (Enumerable.Range(0, Math.Max(1, stored * ld)).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), ld);
    }

    private static (float[] C, float[] Sums) Run(GemmKernelKind kind, bool transA, int m, int n, int k, float[] a, int lda, float[] b,
        bool withSums, int threads)
    {
        float[] c = new float[Math.Max(1, m * n)];
        float[] sums = Enumerable.Repeat(float.NaN, m).ToArray();
        fixed (float* pa = a, pb = b, pc = c, ps = sums)
        {
            var problem = new GemmProblem<float>(transA, false, 1, m, n, k, 1f, pa, 0, lda, pb, 0, n + 3, 0f, pc, 0, Math.Max(n, 1),
                rowSums: withSums ? ps : null);
            Gemm.Sgemm(kind, problem, threads);
        }
        return (c, sums);
    }
}
