using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>Batched matrix products: both transposes, broadcast batches (stride 0), offsets, padded leading dimensions, accumulation into C.</summary>
public static class MatmulCases
{
    public static IEnumerable<ContractCase> All()
    {
        foreach (var t in new[] { DType.F32, DType.F64 })
        {
            yield return new($"matmul/{t}", (s, r, rng) => Matmul(s, r, rng, t));
            yield return new($"matmul-addends/{t}", (s, r, rng) => MatmulAddends(s, r, rng, t));
            yield return new($"matmul-row-sums/{t}", (s, r, rng) => MatmulRowSums(s, r, rng, t));
        }
    }

    /// <summary>
    /// A single product and the sums over K of op(A)'s rows (a weight and a bias gradient from one read of g): the
    /// product and the sums each against the reference, which runs the product and then a reduction.
    /// </summary>
    private static void MatmulRowSums(Backend sut, Backend reference, Random rng, DType t)
    {
        // Small and odd shapes, one past the CPU kernel's tiles and K block, one whose K the CPU GEMM splits across
        // tasks, one with several column blocks.
        var sizes = new List<(int, int, int)> { (1, 1, 1), (13, 33, 257), (12, 16, 600), (4, 600, 8) };
        for (int i = 0; i < 6; i++) sizes.Add((rng.Next(1, 30), rng.Next(1, 40), rng.Next(1, 100)));
        int trial = 0;
        foreach (var (m, n, k) in sizes)
        {
            bool ta = (trial & 1) == 0, tb = (trial & 2) != 0;
            trial++;
            var (a, lda, _, offA) = Operand(rng, t, 1, ta ? k : m, ta ? m : k, broadcast: false);
            var (b, ldb, _, offB) = Operand(rng, t, 1, tb ? n : k, tb ? k : n, broadcast: false);
            var dims = new MatmulDims(1, m, n, k, ta, tb, offA, 0, lda, offB, 0, ldb, 0, (long)m * n, n);
            var c = HostView.Make(rng, [m * n], ViewKind.Contiguous, t, _ => Exec.Sentinel);
            var sums = HostView.Make(rng, [m], ViewKind.Contiguous, t, _ => Exec.Sentinel);
            // Each sum adds k values as each product element does, so the product's tolerance covers it.
            Exec.Check($"matmul with row sums (product) {dims} {t}", sut, reference, [a, b, sums], c, Tolerance.For(t),
                (i, o, be) => be.MatmulWithRowSums(i[0], i[1], o, dims, i[2]));
            Exec.Check($"matmul with row sums (sums) {dims} {t}", sut, reference, [a, b, c], sums, Tolerance.For(t),
                (i, o, be) => be.MatmulWithRowSums(i[0], i[1], i[2], dims, o));
        }
    }

    /// <summary>
    /// Products fused with their addends: a row of column values (a bias), a matrix of C's shape in place of C's old
    /// value (a residual), or both; into a contiguous C, overwritten or accumulated.
    /// </summary>
    private static void MatmulAddends(Backend sut, Backend reference, Random rng, DType t)
    {
        // Small and odd shapes, one past the CPU kernel's tiles, and one whose K the CPU GEMM splits across tasks.
        var sizes = new List<(int, int, int, int)> { (1, 1, 1, 1), (2, 13, 33, 7), (1, 25, 70, 300), (1, 60, 40, 600), (3, 5, 17, 0), (1, 36, 64, 20) };
        for (int i = 0; i < 6; i++) sizes.Add((rng.Next(1, 3), rng.Next(1, 30), rng.Next(1, 40), rng.Next(1, 30)));
        int trial = 0;
        foreach (var (batch, m, n, k) in sizes)
        {
            bool ta = (trial & 1) != 0, tb = (trial & 2) != 0;
            // 0: columns, 1: columns onto an accumulated C, 2: a matrix, 3: a matrix and columns.
            int kind = trial % 4;
            trial++;
            bool accumulate = kind == 1, withMatrix = kind >= 2, withColumns = kind != 2;
            var (a, lda, strideA, offA) = Operand(rng, t, batch, ta ? k : m, ta ? m : k, broadcast: false);
            var (b, ldb, strideB, offB) = Operand(rng, t, batch, tb ? n : k, tb ? k : n, broadcast: trial % 4 == 0);
            int offColumns = rng.Next(0, 4), offMatrix = rng.Next(0, 4);
            var columns = HostView.Make(rng, [offColumns + n], ViewKind.Contiguous, t, Shapes.Uniform(-2, 2));
            var matrix = HostView.Make(rng, [offMatrix + batch * m * n], ViewKind.Contiguous, t, Shapes.Uniform(-2, 2));
            var c = HostView.Make(rng, [batch * m * n], ViewKind.Contiguous, t, accumulate ? Shapes.Uniform(-1, 1) : _ => Exec.Sentinel);
            var dims = new MatmulDims(batch, m, n, k, ta, tb, offA, strideA, lda, offB, strideB, ldb, 0, (long)m * n, n, accumulate);
            Exec.Check($"matmul with addends (matrix {withMatrix}, columns {withColumns}) {dims} {t}", sut, reference, [a, b, columns, matrix], c,
                Tolerance.For(t), (i, o, be) => be.Matmul(i[0], i[1], o, dims,
                    new MatmulAddends(withMatrix ? i[3] : null, offMatrix, withColumns ? i[2] : null, offColumns)));
        }
    }

    private static void Matmul(Backend sut, Backend reference, Random rng, DType t)
    {
        var sizes = new List<(int, int, int, int)>();
        for (int i = 0; i < 12; i++) sizes.Add((rng.Next(1, 4), rng.Next(1, 20), rng.Next(1, 20), rng.Next(1, 20)));
        sizes.Add((2, 33, 47, 29));
        sizes.Add((1, 1, 1, 64));
        int trial = 0;
        foreach (var (batch, m, n, k) in sizes)
        {
            bool ta = (trial & 1) != 0, tb = (trial & 2) != 0;
            bool bcastA = trial % 5 == 3, bcastB = trial % 7 == 4, accumulate = trial % 3 == 1;
            trial++;
            var (a, lda, strideA, offA) = Operand(rng, t, batch, ta ? k : m, ta ? m : k, bcastA);
            var (b, ldb, strideB, offB) = Operand(rng, t, batch, tb ? n : k, tb ? k : n, bcastB);
            int ldc = n + rng.Next(0, 3), offC = rng.Next(0, 4);
            long strideC = (long)m * ldc + rng.Next(0, 2);
            int cLength = (int)(offC + (batch - 1) * strideC + (long)(m - 1) * ldc + n);
            // Accumulating products start from values (gaps between rows included: they must stay as they are).
            var c = HostView.Make(rng, [cLength], ViewKind.Contiguous, t, accumulate ? Shapes.Uniform(-1, 1) : _ => Exec.Sentinel);
            var dims = new MatmulDims(batch, m, n, k, ta, tb, offA, strideA, lda, offB, strideB, ldb, offC, strideC, ldc, accumulate);
            Exec.Check($"matmul {dims} {t}", sut, reference, [a, b], c, Tolerance.For(t),
                (i, o, be) => be.Matmul(i[0], i[1], o, dims));
        }
    }

    /// <summary>A batch of row-major [rows, cols] matrices with a padded leading dimension, an offset, and stride 0 when broadcast.</summary>
    private static (HostView View, int Ld, long Stride, int Offset) Operand(Random rng, DType t, int batch, int rows, int cols, bool broadcast)
    {
        int ld = cols + rng.Next(0, 3);
        int offset = rng.Next(0, 4);
        long stride = broadcast ? 0 : (long)rows * ld + rng.Next(0, 3);
        int length = (int)(offset + (batch - 1) * stride + (long)(rows - 1) * ld + cols);
        return (HostView.Make(rng, [length], ViewKind.Contiguous, t, Shapes.Uniform(-1, 1)), ld, stride, offset);
    }
}
