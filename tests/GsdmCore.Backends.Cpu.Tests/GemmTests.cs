using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using GsdmCore.Backends.Cpu;
using Xunit;

namespace GsdmCore.Backends.Cpu.Tests;

public sealed unsafe class GemmTests
{
    /// <summary>One GEMM call's shape and scalars. Pads widen the row strides past the logical width.</summary>
    public sealed record GemmCase(
        bool TransA, bool TransB, int Batch, int M, int N, int K, double Alpha, double Beta,
        bool BroadcastA, bool BroadcastB, int PadA, int PadB, int PadC, int Seed)
    {
        public override string ToString() =>
            $"{(TransA ? "T" : "N")}{(TransB ? "T" : "N")} batch={Batch} m={M} n={N} k={K} alpha={Alpha} beta={Beta} " +
            $"bcastA={BroadcastA} bcastB={BroadcastB} pads=({PadA},{PadB},{PadC}) seed={Seed}";
    }

    private const float CPadding = 12345f;

    private static readonly GemmKernelKind[] SingleKinds =
        new[] { GemmKernelKind.Vector512, GemmKernelKind.Vector256, GemmKernelKind.Scalar }
            .Where(GemmKernelSelection.IsAccelerated).ToArray();

    private static readonly GemmKernelKind[] DoubleKinds =
        new[] { GemmKernelKind.Vector256, GemmKernelKind.Scalar }
            .Where(GemmKernelSelection.IsAccelerated).ToArray();

    private static readonly GemmKernelKind[] AutoOnly = { GemmKernelKind.Auto };

    // Mostly small or odd sizes, some past the kernel tiles (12 x 32, 6 x 16) and the K block (256).
    private static readonly Gen<int> SizeGen = Gen.Frequency(
        (3, Gen.Choose(1, 17)),
        (2, Gen.Choose(18, 80)),
        (1, Gen.Choose(81, 300)));

    private static Arbitrary<GemmCase> Cases() =>
        (from ta in Gen.Elements(false, true)
         from tb in Gen.Elements(false, true)
         from batch in Gen.Frequency((3, Gen.Constant(1)), (1, Gen.Choose(2, 3)))
         from m in SizeGen
         from n in SizeGen
         from k in SizeGen
         from alpha in Gen.Elements(1.0, -0.5, 1.75)
         from beta in Gen.Elements(0.0, 1.0, -1.25, 0.5)
         from bcastA in Gen.Elements(false, true)
         from bcastB in Gen.Elements(false, false, true)
         from padA in Gen.Elements(0, 0, 3)
         from padB in Gen.Elements(0, 0, 5)
         from padC in Gen.Elements(0, 0, 1, 7)
         from seed in Gen.Choose(0, 1 << 20)
         select Bounded(new GemmCase(ta, tb, batch, m, n, k, alpha, beta, bcastA, bcastB, padA, padB, padC, seed)))
        .ToArbitrary();

    // Keeps the naive reference cheap: caps the multiply-adds of one case by trimming K.
    private static GemmCase Bounded(GemmCase c)
    {
        const long budget = 3_000_000;
        long perK = (long)c.Batch * c.M * c.N;
        return perK * c.K <= budget ? c : c with { K = (int)Math.Max(1, budget / perK) };
    }

    [Property(MaxTest = 200)]
    public Property SgemmMatchesReferenceOnRandomShapes() =>
        Prop.ForAll(Cases(), c => CheckSingle(c, SingleKinds, threads: 2));

    [Property(MaxTest = 100)]
    public Property DgemmMatchesReferenceOnRandomShapes() =>
        Prop.ForAll(Cases(), c => CheckDouble(c, DoubleKinds, threads: 2));

    public static TheoryData<int, int, int> EdgeShapes => new()
    {
        { 1, 1, 1 },
        { 1, 300, 7 },
        { 300, 1, 5 },
        { 12, 32, 256 },
        { 13, 33, 257 },
        { 11, 31, 255 },
        { 25, 65, 513 },
        { 7, 5, 600 },
        { 200, 70, 3 },
        // Several row, column and K blocks: the B panels are packed once and shared by the row blocks' tasks.
        { 200, 530, 260 },
        // One tile of C and a long K: split along K into 2 parts, and into 8 parts of four K blocks each, the last
        // part shorter.
        { 60, 40, 2100 },
        { 20, 40, 8300 },
    };

    [Fact]
    public void SmallCWithLongKIsSplitAlongK()
    {
        // The shapes the edge cases above rely on to reach the split path, and a weight gradient X^T dY.
        Assert.Equal(4, GemmBlocking.Create(1, 60, 40, 2100, 12, 32).KSplits);
        Assert.Equal(8, GemmBlocking.Create(1, 20, 40, 8300, 12, 32).KSplits);
        Assert.Equal(2, GemmBlocking.Create(1, 25, 65, 513, 12, 32).KSplits);
        // Parts of at least two K blocks beyond two parts, in an even number: 2592 deep gives five, taken as four.
        var weightGradient = GemmBlocking.Create(1, 128, 128, 2592, 12, 32);
        Assert.Equal(4, weightGradient.KSplits);
        Assert.Equal(4, weightGradient.TaskCount);
        Assert.Equal(8, GemmBlocking.Create(1, 128, 128, 4096, 12, 32).KSplits);
        Assert.Equal(2, GemmBlocking.Create(1, 128, 128, 1100, 12, 32).KSplits);
        // Batched products and products with enough tiles keep the whole K in one task.
        Assert.Equal(1, GemmBlocking.Create(2, 60, 40, 2100, 12, 32).KSplits);
        Assert.Equal(1, GemmBlocking.Create(1, 2592, 128, 128, 12, 32).KSplits);
    }

    [Fact]
    public void ProductsThatShareBSplitRowsBeforeColumns()
    {
        // The sampling step's Q/K/V product (1296 x 384 x 128): one B packed for all row blocks, so rows are split and
        // every A row is packed once; a batch of different Bs still halves the wider side.
        var shared = GemmBlocking.Create(1, 1296, 384, 128, 6, 16, sameB: true);
        Assert.Equal(1, shared.NBlocks);
        Assert.True(shared.TaskCount >= 8, $"{shared.TaskCount} tasks");
        var own = GemmBlocking.Create(1, 1296, 384, 128, 6, 16, sameB: false);
        Assert.Equal(2, own.NBlocks);
        Assert.True(own.TaskCount >= 8, $"{own.TaskCount} tasks");
    }

    [Theory]
    [InlineData(2592, 128, 128)] // a linear layer at Sudoku 9x9, batch 32: 12 blocks of 186 rows, then four of 96 or fewer
    [InlineData(1296, 384, 128)]
    [InlineData(1000, 20, 30)]
    [InlineData(300, 257, 513)]
    public void Row_blocks_cover_every_row_once_in_order_with_the_last_ones_halved(int m, int n, int k)
    {
        var blocking = GemmBlocking.Create(1, m, n, k, 6, 16, sameB: true);
        int next = 0, heights = 0;
        var rows = new List<int>();
        for (int block = 0; block < blocking.MBlocks; block++)
        {
            var (row, height) = blocking.RowBlock(block, m);
            Assert.Equal(next, row);
            Assert.True(height > 0 && height % 6 == 0 || row + height == m, $"block {block}: rows {row}..{row + height}");
            rows.Add(height);
            next = row + height;
            heights += height;
        }
        Assert.Equal(m, next);
        Assert.Equal(m, heights);
        if (Math.Ceiling((double)m / blocking.Mc) >= 6)
        {
            Assert.True(rows[^1] <= (blocking.Mc + 1) / 2 + 5, $"last block {rows[^1]} rows of {blocking.Mc}");
            Assert.True(rows.Count(h => h == blocking.Mc) >= 4);
        }
    }

    [Theory]
    [MemberData(nameof(EdgeShapes))]
    public void SgemmHandlesTileAndBlockEdgesForAllTransposes(int m, int n, int k)
    {
        foreach ((bool ta, bool tb) in AllTransposes)
        {
            var c = new GemmCase(ta, tb, 1, m, n, k, -0.5, 0.5, false, false, 2, 3, 4, m * 7 + n * 3 + k);
            CheckSingle(c, SingleKinds, threads: 2);
        }
    }

    [Theory]
    [MemberData(nameof(EdgeShapes))]
    public void DgemmHandlesTileAndBlockEdgesForAllTransposes(int m, int n, int k)
    {
        foreach ((bool ta, bool tb) in AllTransposes)
        {
            var c = new GemmCase(ta, tb, 1, m, n, k, 1.5, -1.0, false, false, 1, 0, 2, m + n + k);
            CheckDouble(c, DoubleKinds, threads: 2);
        }
    }

    [Fact]
    public void BatchedWithBroadcastOperandsMatchesReference()
    {
        foreach ((bool ta, bool tb) in AllTransposes)
        {
            CheckSingle(new GemmCase(ta, tb, 4, 37, 45, 70, 1.0, 0.0, true, false, 1, 0, 3, 11), AutoOnly, 2);
            CheckSingle(new GemmCase(ta, tb, 3, 50, 29, 33, 0.5, 1.0, false, true, 0, 2, 0, 12), AutoOnly, 2);
            // B broadcast over a batch whose entries have several row blocks: B is packed once for all of them.
            CheckSingle(new GemmCase(ta, tb, 3, 210, 40, 300, 0.5, 1.0, false, true, 0, 2, 0, 14), AutoOnly, 2);
            CheckDouble(new GemmCase(ta, tb, 3, 19, 40, 21, 2.0, -0.5, true, false, 0, 1, 1, 13), AutoOnly, 2);
        }
    }

    [Fact]
    public void BetaZeroOverwritesNaNInC()
    {
        // CheckSingle pre-fills C with NaN whenever beta is zero.
        CheckSingle(new GemmCase(false, true, 2, 29, 70, 40, 1.0, 0.0, false, false, 0, 0, 5, 21), SingleKinds, 2);
        CheckDouble(new GemmCase(true, false, 1, 29, 70, 40, 1.0, 0.0, false, false, 0, 0, 5, 22), DoubleKinds, 1);
    }

    [Fact]
    public void ZeroKScalesC()
    {
        float[] c = { 1f, 2f, 3f, float.NaN, 4f, 5f };
        fixed (float* pc = c)
        {
            Gemm.Sgemm(false, false, 1, 2, 2, 0, 1f, null, 0, 0, null, 0, 2, 2f, pc, 0, 3, 1);
        }

        Assert.Equal(new[] { 2f, 4f, 3f, float.NaN, 8f, 5f }, c);

        double[] d = { double.NaN, double.PositiveInfinity, 7.0 };
        fixed (double* pd = d)
        {
            Gemm.Dgemm(false, false, 1, 1, 2, 0, 1.0, null, 0, 0, null, 0, 2, 0.0, pd, 0, 2, 1);
        }

        Assert.Equal(new[] { 0.0, 0.0, 7.0 }, d);
    }

    [Fact]
    public void ZeroAlphaDoesNotReadAOrB()
    {
        float[] a = { float.NaN, float.NaN, float.NaN, float.NaN };
        float[] c = { 1f, 2f, 3f, 4f };
        fixed (float* pa = a)
        fixed (float* pc = c)
        {
            Gemm.Sgemm(false, false, 1, 2, 2, 2, 0f, pa, 0, 2, pa, 0, 2, -1f, pc, 0, 2, 2);
        }

        Assert.Equal(new[] { -1f, -2f, -3f, -4f }, c);
    }

    [Fact]
    public void ResultsAreBitIdenticalAcrossThreadCounts()
    {
        foreach ((bool ta, bool tb) in new[] { (false, false), (false, true) })
        {
            var c = new GemmCase(ta, tb, 1, 300, 257, 513, 1.0, 0.5, false, false, 1, 0, 3, 99);
            float[] one = RunSingle(c, GemmKernelKind.Auto, threads: 1);
            float[] two = RunSingle(c, GemmKernelKind.Auto, threads: 2);
            float[] many = RunSingle(c, GemmKernelKind.Auto, threads: 5);
            Assert.True(one.AsSpan().SequenceEqual(two), $"1 vs 2 threads differ for {c}");
            Assert.True(one.AsSpan().SequenceEqual(many), $"1 vs 5 threads differ for {c}");
        }

        // Split along K (four parts): the partial products are added in part order whatever thread computed them or adds them.
        foreach ((bool ta, bool tb) in AllTransposes)
        {
            var split = new GemmCase(ta, tb, 1, 64, 96, 4200, 1.0, 0.5, false, false, 1, 2, 3, 98);
            Assert.True(RunSingle(split, GemmKernelKind.Auto, 1).AsSpan().SequenceEqual(RunSingle(split, GemmKernelKind.Auto, 2)), $"1 vs 2 threads differ for {split}");
            Assert.True(RunSingle(split, GemmKernelKind.Auto, 1).AsSpan().SequenceEqual(RunSingle(split, GemmKernelKind.Auto, 3)), $"1 vs 3 threads differ for {split}");
        }

        var batched = new GemmCase(false, false, 6, 70, 90, 130, 1.0, 0.0, true, false, 0, 0, 0, 5);
        Assert.True(RunSingle(batched, GemmKernelKind.Auto, 1).AsSpan().SequenceEqual(RunSingle(batched, GemmKernelKind.Auto, 2)));
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(13, 33, 257, 1)]
    [InlineData(12, 32, 256, 2)]
    [InlineData(24, 64, 100, 2)]
    [InlineData(60, 40, 2100, 1)] // split along K: the addends go in with part 0 only
    [InlineData(7, 45, 0, 2)] // k = 0: C = beta C or the matrix, plus the columns, without the kernels
    public void Fused_addends_equal_the_plain_product_plus_the_addends_on_every_kernel(int m, int n, int k, int batch)
    {
        var rng = new Random(m * 31 + n * 7 + k);
        int ldc = n + 3;
        float Next(double scale) => (float)((rng.NextDouble() * 2 - 1) * scale);
        float[] a = Enumerable.Range(0, batch * m * Math.Max(k, 1)).Select(_ => Next(1)).ToArray();
        float[] b = Enumerable.Range(0, batch * Math.Max(k, 1) * n).Select(_ => Next(1)).ToArray();
        float[] columns = Enumerable.Range(0, n + 2).Select(_ => Next(2)).ToArray();
        float[] matrix = Enumerable.Range(0, batch * m * ldc).Select(_ => Next(2)).ToArray();
        float[] c0 = Enumerable.Range(0, batch * m * ldc).Select(j => j % ldc < n ? Next(1) : CPadding).ToArray();
        // (columns, matrix, beta): a bias onto an overwritten or an accumulated C, a residual, both.
        foreach (var (withColumns, withMatrix, beta) in new[] { (true, false, 0f), (true, false, 1f), (false, true, 0f), (true, true, 0f) })
            foreach (GemmKernelKind kind in SingleKinds)
            {
                float[] Run(bool fused)
                {
                    // With a matrix addend C's old value must not be read: NaN there would show.
                    float[] c = fused && withMatrix ? c0.Select(v => v == CPadding ? v : float.NaN).ToArray() : (float[])c0.Clone();
                    fixed (float* pa = a, pb = b, pc = c, pcol = columns, padd = matrix)
                    {
                        var problem = new GemmProblem<float>(false, false, batch, m, n, k, 1f, pa, (long)m * k, Math.Max(k, 1),
                            pb, (long)k * n, n, withMatrix ? 0f : beta, pc, (long)m * ldc, ldc,
                            fused && withColumns ? pcol + 2 : null, fused && withMatrix ? padd : null);
                        Gemm.Sgemm(kind, problem, 2);
                    }
                    return c;
                }

                float[] plain = Run(false), summed = Run(true);
                for (int at = 0; at < plain.Length; at++)
                {
                    int j = at % ldc;
                    double want = j >= n ? CPadding : plain[at] + (withMatrix ? matrix[at] : 0.0) + (withColumns ? columns[2 + j] : 0.0);
                    Assert.True(Math.Abs(summed[at] - want) <= 1e-5 * (1 + Math.Abs(want)),
                        $"{kind} columns {withColumns} matrix {withMatrix} beta {beta} {m}x{n}x{k} batch {batch}: C[{at}] = {summed[at]}, want {want}");
                }
            }
    }

    [Fact]
    public void InvalidArgumentsThrow()
    {
        float[] buf = new float[16];
        fixed (float* p = buf)
        {
            float* q = p;
            Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(false, false, 1, -1, 2, 2, 1f, q, 0, 2, q, 0, 2, 0f, q, 0, 2, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(false, false, 1, 2, 2, 2, 1f, q, 0, 2, q, 0, 2, 0f, q, 0, 2, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(false, false, 1, 2, 3, 2, 1f, q, 0, 2, q, 0, 3, 0f, q, 0, 2, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(true, false, 1, 3, 2, 2, 1f, q, 0, 2, q, 0, 2, 0f, q, 0, 2, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(false, false, 2, 2, 2, 2, 1f, q, 0, 2, q, 0, 2, 0f, q, 0, 2, 1));
        }
    }

    private static readonly (bool, bool)[] AllTransposes = { (false, false), (false, true), (true, false), (true, true) };

    private static void CheckSingle(GemmCase c, GemmKernelKind[] kinds, int threads)
    {
        Operands<float> ops = Operands<float>.Create(c);
        Reference expected = Reference.Compute(c, ops, relTol: 1e-5);
        foreach (GemmKernelKind kind in kinds)
        {
            float[] result = RunSingle(c, ops, kind, threads);
            expected.Verify(result.Select(v => (double)v).ToArray(), kind);
        }
    }

    private static void CheckDouble(GemmCase c, GemmKernelKind[] kinds, int threads)
    {
        Operands<double> ops = Operands<double>.Create(c);
        Reference expected = Reference.Compute(c, ops, relTol: 1e-13);
        foreach (GemmKernelKind kind in kinds)
        {
            double[] result = (double[])ops.C.Clone();
            fixed (double* pa = ops.A)
            fixed (double* pb = ops.B)
            fixed (double* pc = result)
            {
                var problem = new GemmProblem<double>(c.TransA, c.TransB, c.Batch, c.M, c.N, c.K, c.Alpha,
                    pa, ops.StrideA, ops.Lda, pb, ops.StrideB, ops.Ldb, c.Beta, pc, ops.StrideC, ops.Ldc);
                Gemm.Dgemm(kind, problem, threads);
            }

            expected.Verify(result, kind);
        }
    }

    private static float[] RunSingle(GemmCase c, GemmKernelKind kind, int threads) =>
        RunSingle(c, Operands<float>.Create(c), kind, threads);

    private static float[] RunSingle(GemmCase c, Operands<float> ops, GemmKernelKind kind, int threads)
    {
        float[] result = (float[])ops.C.Clone();
        fixed (float* pa = ops.A)
        fixed (float* pb = ops.B)
        fixed (float* pc = result)
        {
            var problem = new GemmProblem<float>(c.TransA, c.TransB, c.Batch, c.M, c.N, c.K, (float)c.Alpha,
                pa, ops.StrideA, ops.Lda, pb, ops.StrideB, ops.Ldb, (float)c.Beta, pc, ops.StrideC, ops.Ldc);
            Gemm.Sgemm(kind, problem, threads);
        }

        return result;
    }

    /// <summary>
    /// Expected C from a float64 triple loop, with a per-element error bound that scales with sqrt(k)
    /// and with the magnitude of the summed terms, so cancellation in the exact result cannot make
    /// the check flaky. Padding columns of C must keep <see cref="CPadding"/>.
    /// </summary>
    private sealed class Reference
    {
        private readonly GemmCase _case;
        private readonly double[] _expected;
        private readonly double[] _bound;
        private readonly int _ldc;

        private Reference(GemmCase c, double[] expected, double[] bound, int ldc)
        {
            _case = c;
            _expected = expected;
            _bound = bound;
            _ldc = ldc;
        }

        public static Reference Compute<T>(GemmCase c, Operands<T> ops, double relTol)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            double tolScale = relTol * Math.Sqrt(Math.Max(1, c.K));
            var expected = new double[ops.C.Length];
            var bound = new double[ops.C.Length];
            var rowA = new double[c.K];
            for (int e = 0; e < c.Batch; e++)
            {
                for (int i = 0; i < c.M; i++)
                {
                    for (int p = 0; p < c.K; p++)
                    {
                        rowA[p] = double.CreateTruncating(ops.ElementA(e, i, p));
                    }

                    for (int j = 0; j < ops.Ldc; j++)
                    {
                        long at = e * ops.StrideC + (long)i * ops.Ldc + j;
                        if (j >= c.N)
                        {
                            expected[at] = CPadding;
                            continue;
                        }

                        double sum = 0, magnitude = 0;
                        for (int p = 0; p < c.K; p++)
                        {
                            double term = rowA[p] * double.CreateTruncating(ops.ElementB(e, p, j));
                            sum += term;
                            magnitude += Math.Abs(term);
                        }

                        double c0 = c.Beta == 0 ? 0 : double.CreateTruncating(ops.C[at]);
                        expected[at] = c.Alpha * sum + c.Beta * c0;
                        bound[at] = tolScale * (Math.Abs(c.Alpha) * magnitude + Math.Abs(c.Beta * c0)) + 1e-30;
                    }
                }
            }

            return new Reference(c, expected, bound, ops.Ldc);
        }

        public void Verify(double[] actual, GemmKernelKind kind)
        {
            for (long at = 0; at < _expected.Length; at++)
            {
                long row = at / _ldc;
                long col = at % _ldc;
                if (col >= _case.N)
                {
                    if (actual[at] != CPadding)
                    {
                        Assert.Fail($"[{kind}] wrote outside C at row {row}, column {col} for {_case}");
                    }

                    continue;
                }

                // Written so that NaN fails; the message is only formatted on failure.
                double err = Math.Abs(actual[at] - _expected[at]);
                if (!(err <= _bound[at]))
                {
                    Assert.Fail($"[{kind}] C at row {row}, column {col} = {actual[at]}, expected {_expected[at]} " +
                        $"(err {err:E2} > {_bound[at]:E2}) for {_case}");
                }
            }
        }
    }

    /// <summary>Stored operands of a case. Padding and gaps between batch entries of A and B hold NaN, so reading them poisons C.</summary>
    private sealed class Operands<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required T[] A { get; init; }
        public required T[] B { get; init; }
        public required T[] C { get; init; }
        public required int Lda { get; init; }
        public required int Ldb { get; init; }
        public required int Ldc { get; init; }
        public required long StrideA { get; init; }
        public required long StrideB { get; init; }
        public required long StrideC { get; init; }
        public required int RowsC { get; init; }
        public required GemmCase Case { get; init; }

        public static Operands<T> Create(GemmCase c)
        {
            var rng = new Random(c.Seed);
            (int rowsA, int colsA) = c.TransA ? (c.K, c.M) : (c.M, c.K);
            (int rowsB, int colsB) = c.TransB ? (c.N, c.K) : (c.K, c.N);
            int lda = colsA + c.PadA, ldb = colsB + c.PadB, ldc = c.N + c.PadC;
            long strideA = c.BroadcastA ? 0 : (long)rowsA * lda + 3;
            long strideB = c.BroadcastB ? 0 : (long)rowsB * ldb + 1;
            long strideC = (long)c.M * ldc;
            T[] a = Fill(rng, strideA, c.Batch, rowsA, colsA, lda);
            T[] b = Fill(rng, strideB, c.Batch, rowsB, colsB, ldb);
            T[] cArr = new T[Math.Max(1, strideC * c.Batch)];
            for (long i = 0; i < cArr.Length; i++)
            {
                bool pad = i % ldc >= c.N;
                cArr[i] = pad ? T.CreateTruncating(CPadding)
                    : c.Beta == 0 ? T.NaN : T.CreateTruncating(rng.NextDouble() * 2 - 1);
            }

            return new Operands<T>
            {
                A = a, B = b, C = cArr, Lda = lda, Ldb = ldb, Ldc = ldc,
                StrideA = strideA, StrideB = strideB, StrideC = strideC, RowsC = c.M, Case = c,
            };
        }

        public T ElementA(int e, int i, int p) =>
            Case.TransA ? A[e * StrideA + (long)p * Lda + i] : A[e * StrideA + (long)i * Lda + p];

        public T ElementB(int e, int p, int j) =>
            Case.TransB ? B[e * StrideB + (long)j * Ldb + p] : B[e * StrideB + (long)p * Ldb + j];

        private static T[] Fill(Random rng, long stride, int batch, int rows, int cols, int ld)
        {
            int entries = stride == 0 ? 1 : batch;
            long length = Math.Max(1, stride == 0 ? (long)rows * ld : stride * entries);
            var data = new T[length];
            data.AsSpan().Fill(T.NaN);
            for (int e = 0; e < entries; e++)
            {
                for (int r = 0; r < rows; r++)
                {
                    for (int col = 0; col < cols; col++)
                    {
                        data[e * stride + (long)r * ld + col] = T.CreateTruncating(rng.NextDouble() * 2 - 1);
                    }
                }
            }

            return data;
        }
    }
}
