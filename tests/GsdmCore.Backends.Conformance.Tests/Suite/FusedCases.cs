using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>
/// The fused ops: graph-sparse attention forward + backward, group-norm forward + backward (also with a gradient added
/// into dx), the Adam / AdamW step. Each
/// case runs the forward and then the backward on one backend (the backward reads that backend's saved values) and
/// compares every output with the reference: F32 atol = rtol = 1e-4, F64 atol = rtol = 1e-10.
/// </summary>
public static class FusedCases
{
    public static IEnumerable<ContractCase> All()
    {
        foreach (var t in new[] { DType.F32, DType.F64 })
        {
            yield return new($"sparse-attention/{t}", (s, r, rng) => Attention(s, r, rng, t));
            yield return new($"sparse-attention-degrees/{t}", (s, r, rng) => AttentionDegrees(s, r, rng, t));
            yield return new($"sparse-attention-packed/{t}", (s, r, rng) => AttentionPacked(s, r, rng, t));
            yield return new($"group-norm/{t}", (s, r, rng) => GroupNorm(s, r, rng, t));
            yield return new($"group-norm-backward-add/{t}", (s, r, rng) => GroupNormBackwardAdd(s, r, rng, t));
            yield return new($"adam/{t}", (s, r, rng) => Adam(s, r, rng, t));
            yield return new($"moving-average/{t}", (s, r, rng) => MovingAverage(s, r, rng, t));
        }
    }

    private static void Attention(Backend sut, Backend reference, Random rng, DType t)
    {
        var shapes = new List<(int B, int H, int N, int D)>();
        for (int i = 0; i < 6; i++) shapes.Add((rng.Next(1, 3), rng.Next(1, 4), rng.Next(1, 9), rng.Next(1, 9)));
        shapes.Add((2, 2, 40, 16)); // several thread groups, a dense-ish graph
        int trial = 0;
        foreach (var (b, h, n, d) in shapes)
        {
            bool selfLoops = trial % 3 != 2;
            var (rowPtr, cols) = RandomGraph(rng, n, selfLoops, trial == shapes.Count - 1 ? 0.5 : 0.4);
            bool nodeMajor = trial % 2 == 1;
            var (needDq, needDk, needDv) = (trial % 4 != 3, trial % 5 != 4, trial % 6 != 5);
            bool keepProbs = trial % 7 != 6;
            trial++;
            RunAttention(sut, reference, rng, t, b, h, n, d, rowPtr, cols, nodeMajor, needDq, needDk, needDv, keepProbs, scale: 0.3 + rng.NextDouble());
        }
    }

    /// <summary>
    /// Row degrees around the CPU kernel's block sizes (8 and 16 edges: whole, partial and overlapping blocks, rows
    /// shorter than a block, empty rows) at head dims of one, two and one and a half 512-bit vectors of floats, and
    /// off them.
    /// </summary>
    private static void AttentionDegrees(Backend sut, Backend reference, Random rng, DType t)
    {
        int[] degrees = [0, 1, 2, 4, 7, 8, 9, 12, 15, 16, 17, 21, 24, 25, 31, 32, 33, 40, 3, 21];
        int n = 40;
        var rowPtr = new int[n + 1];
        var cols = new List<int>();
        for (int i = 0; i < n; i++)
        {
            int degree = degrees[i % degrees.Length];
            cols.AddRange(Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(degree).Order());
            rowPtr[i + 1] = cols.Count;
        }
        int trial = 0;
        foreach (int d in new[] { 16, 32, 24, 15, 8, 1 })
        {
            var (needDq, needDk) = (trial % 3 != 1, trial % 3 != 2);
            RunAttention(sut, reference, rng, t, 2, 2, n, d, rowPtr, cols.ToArray(), nodeMajor: trial % 2 == 1,
                needDq, needDk, needDv: true, keepProbs: trial != 3, scale: 0.3 + rng.NextDouble());
            trial++;
        }
    }

    private static void RunAttention(Backend sut, Backend reference, Random rng, DType t, int b, int h, int n, int d,
        int[] rowPtr, int[] cols, bool nodeMajor, bool needDq, bool needDk, bool needDv, bool keepProbs, double scale)
    {
        int nnz = cols.Length, count = b * h * n * d;
        var (colPtr, colEdges, edgeRows) = Transpose(n, rowPtr, cols);
        // Inputs: q, k, v, dO in one storage each, head-major or node-major with an offset; the graph as I32.
        Layout HeadLayout(int offset) => nodeMajor
            ? new Layout([b, h, n, d], [n * h * d, d, h * d, 1], offset)
            : new Layout([b, h, n, d], [h * n * d, n * d, d, 1], offset);
        var offsets = Enumerable.Range(0, 4).Select(_ => rng.Next(0, 3)).ToArray();
        var views = offsets.Select(o => new HostView(t, Enumerable.Range(0, count + o).Select(_ => ScalarBackend.Round(t, rng.NextDouble() * 2 - 1)).ToArray(),
            HeadLayout(o), nodeMajor ? ViewKind.Strided : ViewKind.Contiguous)).ToList();
        views.AddRange(new[] { rowPtr, cols, colPtr, colEdges, edgeRows }.Select(I32));
        var dims = new SparseAttentionDims(b, h, n, d, nnz, scale);
        var outLayout = new Layout([b, h, n, d], [n * h * d, d, h * d, 1], 0); // node-major, as the layer allocates
        var gradLayout = Layout.Contiguous([b, h, n, d]);
        string what = $"sparse_attention B {b} H {h} N {n} Dh {d} nnz {nnz} {(nodeMajor ? "node-major" : "head-major")} dq {needDq} dk {needDk} dv {needDv} {t}";
        var outputs = new[] { Exec.Output(t, count), Exec.Output(t, Math.Max(1, b * h * nnz)), Exec.Output(t, count), Exec.Output(t, count), Exec.Output(t, count) };
        FusedExec.Check(what, sut, reference, views, outputs, Tolerance.For(t), (i, o, be) =>
        {
            var graph = new SparseGraphBuffers(i[4], i[5], i[6], i[7], i[8]);
            be.SparseAttentionForward(dims, graph, i[0], views[0].Layout, i[1], views[1].Layout, i[2], views[2].Layout, o[0], outLayout,
                keepProbs ? o[1] : null);
            if (!keepProbs) return; // the forward alone, without probabilities to keep
            be.SparseAttentionBackward(dims, graph, i[0], views[0].Layout, i[1], views[1].Layout, i[2], views[2].Layout, i[3], views[3].Layout, o[1],
                needDq ? o[2] : null, gradLayout, needDk ? o[3] : null, gradLayout, needDv ? o[4] : null, gradLayout);
        });
    }

    /// <summary>
    /// q, k and v as the three channel blocks of one [B, N, 3 H Dh] storage, and their gradients written into one such
    /// storage (as <c>SparseAttention.ForwardPacked</c> calls the kernels): the targets share a buffer, each row of
    /// each part written once.
    /// </summary>
    private static void AttentionPacked(Backend sut, Backend reference, Random rng, DType t)
    {
        foreach (var (b, h, n, d) in new[] { (2, 2, 9, 4), (1, 3, 17, 16), (2, 1, 40, 8) })
        {
            var (rowPtr, cols) = RandomGraph(rng, n, selfLoops: true, density: 0.3);
            var (colPtr, colEdges, edgeRows) = Transpose(n, rowPtr, cols);
            int c = h * d, nnz = cols.Length, count = b * n * c, offset = rng.Next(0, 3);
            Layout Part(int start, int index) => new([b, h, n, d], [n * 3 * c, d, 3 * c, 1], start + index * c);
            var qkv = new HostView(t, Enumerable.Range(0, offset + 3 * count).Select(_ => ScalarBackend.Round(t, rng.NextDouble() * 2 - 1)).ToArray(),
                Layout.Contiguous([offset + 3 * count]), ViewKind.Contiguous);
            var dO = Values(rng, t, count, -1, 1);
            var views = new List<HostView> { qkv, dO };
            views.AddRange(new[] { rowPtr, cols, colPtr, colEdges, edgeRows }.Select(I32));
            var dims = new SparseAttentionDims(b, h, n, d, nnz, 0.5);
            var outLayout = new Layout([b, h, n, d], [n * c, d, c, 1], 0);
            var outputs = new[] { Exec.Output(t, count), Exec.Output(t, Math.Max(1, b * h * nnz)), Exec.Output(t, 3 * count) };
            FusedExec.Check($"sparse_attention packed B {b} H {h} N {n} Dh {d} nnz {nnz} {t}", sut, reference, views, outputs, Tolerance.For(t), (i, o, be) =>
            {
                var graph = new SparseGraphBuffers(i[2], i[3], i[4], i[5], i[6]);
                be.SparseAttentionForward(dims, graph, i[0], Part(offset, 0), i[0], Part(offset, 1), i[0], Part(offset, 2), o[0], outLayout, o[1]);
                be.SparseAttentionBackward(dims, graph, i[0], Part(offset, 0), i[0], Part(offset, 1), i[0], Part(offset, 2), i[1], outLayout, o[1],
                    o[2], Part(0, 0), o[2], Part(0, 1), o[2], Part(0, 2));
            });
        }
    }

    /// <summary>A random CSR graph over n nodes (sorted columns; self-loops when asked, otherwise some rows may be empty).</summary>
    public static (int[] RowPtr, int[] Cols) RandomGraph(Random rng, int n, bool selfLoops, double density)
    {
        var rowPtr = new int[n + 1];
        var cols = new List<int>();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
                if ((selfLoops && i == j) || rng.NextDouble() < density) cols.Add(j);
            rowPtr[i + 1] = cols.Count;
        }
        return (rowPtr, cols.ToArray());
    }

    /// <summary>Column pointers, the edge ids into each column in ascending order, and each edge's row.</summary>
    public static (int[] ColPtr, int[] ColEdges, int[] EdgeRows) Transpose(int n, int[] rowPtr, int[] cols)
    {
        var colPtr = new int[n + 1];
        foreach (int c in cols) colPtr[c + 1]++;
        for (int j = 0; j < n; j++) colPtr[j + 1] += colPtr[j];
        var fill = (int[])colPtr.Clone();
        var colEdges = new int[cols.Length];
        var edgeRows = new int[cols.Length];
        for (int i = 0; i < n; i++)
            for (int e = rowPtr[i]; e < rowPtr[i + 1]; e++)
            {
                edgeRows[e] = i;
                colEdges[fill[cols[e]]++] = e;
            }
        return (colPtr, colEdges, edgeRows);
    }

    private static HostView I32(int[] values)
    {
        var storage = values.Length == 0 ? [0.0] : values.Select(v => (double)v).ToArray();
        return new HostView(DType.I32, storage, Layout.Contiguous([storage.Length]), ViewKind.Contiguous);
    }

    private static HostView Values(Random rng, DType t, int count, double lo, double hi) =>
        new(t, Enumerable.Range(0, Math.Max(1, count)).Select(_ => ScalarBackend.Round(t, lo + (hi - lo) * rng.NextDouble())).ToArray(),
            Layout.Contiguous([Math.Max(1, count)]), ViewKind.Contiguous);

    private static void GroupNorm(Backend sut, Backend reference, Random rng, DType t)
    {
        var cases = new List<(int B, int M, int C, int G)>();
        for (int i = 0; i < 6; i++)
        {
            int g = rng.Next(1, 4);
            cases.Add((rng.Next(1, 4), rng.Next(1, 7), g * rng.Next(1, 4), g));
        }
        cases.Add((2, 9, 40, 5)); // channels beyond whole blocks of vectors: the CPU kernel's scalar tails
        cases.Add((2, 7, 136, 8));
        cases.Add((4, 20, 128, 32)); // the denoiser's shape: whole register blocks of channels, with and without SiLU
        cases.Add((3, 20, 128, 32));
        cases.Add((3, 50, 32, 8));
        int trial = 0;
        foreach (var (b, m, c, g) in cases)
        {
            bool affine = trial % 3 != 1, silu = trial % 2 == 1 || trial == cases.Count - 1;
            var (needDx, needDw, needDb) = (trial % 4 != 3, affine && trial % 5 != 4, affine && trial % 2 == 0);
            trial++;
            int count = b * m * c, xOff = rng.Next(0, 4), dyOff = rng.Next(0, 4);
            var dims = new GroupNormDims(b, m, c, g, 1e-5, silu);
            // x gets a per-channel shift, so the mean is far from zero and the centring matters.
            var x = Values(rng, t, count + xOff, -2, 2);
            for (int i = xOff; i < count + xOff; i++) x.Storage[i] = ScalarBackend.Round(t, x.Storage[i] + (i - xOff) % c * 0.5);
            var inputs = new List<HostView> { x, Values(rng, t, count + dyOff, -1, 1), Values(rng, t, c, 0.5, 1.5), Values(rng, t, c, -1, 1) };
            var outputs = new[] { Exec.Output(t, count), Exec.Output(t, b * g), Exec.Output(t, b * g), Exec.Output(t, count), Exec.Output(t, c), Exec.Output(t, c) };
            string what = $"group_norm B {b} M {m} C {c} G {g} affine {affine} silu {silu} dx {needDx} dw {needDw} db {needDb} {t}";
            FusedExec.Check(what, sut, reference, inputs, outputs, Tolerance.For(t), (i, o, be) =>
            {
                be.GroupNormForward(dims, i[0], xOff, affine ? i[2] : null, affine ? i[3] : null, o[0], o[1], o[2]);
                be.GroupNormBackward(dims, i[0], xOff, i[1], dyOff, affine ? i[2] : null, affine ? i[3] : null, o[1], o[2],
                    needDx ? o[3] : null, needDw ? o[4] : null, needDb ? o[5] : null);
            });
        }
    }

    /// <summary>The group norm's backward with an addend folded into dx (a residual's gradient), the addend at an offset.</summary>
    private static void GroupNormBackwardAdd(Backend sut, Backend reference, Random rng, DType t)
    {
        int trial = 0;
        foreach (var (b, m, c, g) in new[] { (2, 3, 6, 3), (2, 9, 40, 5), (3, 20, 128, 32) })
        {
            bool affine = trial != 1, silu = trial != 0, needDw = trial != 2;
            trial++;
            int count = b * m * c, xOff = rng.Next(0, 4), dyOff = rng.Next(0, 4), addOff = rng.Next(0, 4);
            var dims = new GroupNormDims(b, m, c, g, 1e-5, silu);
            var inputs = new List<HostView>
            {
                Values(rng, t, count + xOff, -2, 2), Values(rng, t, count + dyOff, -1, 1), Values(rng, t, c, 0.5, 1.5), Values(rng, t, c, -1, 1),
                Values(rng, t, count + addOff, -3, 3),
            };
            var outputs = new[] { Exec.Output(t, count), Exec.Output(t, b * g), Exec.Output(t, b * g), Exec.Output(t, count), Exec.Output(t, c), Exec.Output(t, c) };
            string what = $"group_norm_backward_add B {b} M {m} C {c} G {g} affine {affine} silu {silu} dw {needDw} {t}";
            FusedExec.Check(what, sut, reference, inputs, outputs, Tolerance.For(t), (i, o, be) =>
            {
                be.GroupNormForward(dims, i[0], xOff, affine ? i[2] : null, affine ? i[3] : null, o[0], o[1], o[2]);
                be.GroupNormBackwardAdd(dims, i[0], xOff, i[1], dyOff, affine ? i[2] : null, affine ? i[3] : null, o[1], o[2],
                    o[3], i[4], addOff, needDw ? o[4] : null, affine ? o[5] : null);
            });
        }
    }

    private static void Adam(Backend sut, Backend reference, Random rng, DType t)
    {
        // 20011: several of the CPU backend's parallel chunks, the last one partial.
        foreach (var (count, decoupled, wd) in new[] { (7, false, 0.0), (40, false, 0.1), (333, true, 0.01), (1, true, 0.0), (20011, true, 0.01) })
        {
            int pOff = rng.Next(0, 3), gOff = rng.Next(0, 3);
            var inputs = new List<HostView> { Values(rng, t, count + gOff, -1, 1) };
            // The parameter and both moments are updated in place: they are the outputs, starting from given values.
            var param = Values(rng, t, count + pOff + Exec.Guard, -1, 1);
            var m = Values(rng, t, count + Exec.Guard, -0.1, 0.1);
            var v = Values(rng, t, count + Exec.Guard, 0, 0.01);
            double lr = 1e-2, b1 = 0.9, b2 = 0.999;
            string what = $"adam count {count} {(decoupled ? "AdamW" : "Adam")} wd {wd} {t}";
            FusedExec.Check(what, sut, reference, inputs, [param, m, v], Tolerance.For(t), (i, o, be) =>
            {
                for (int step = 1; step <= 3; step++)
                {
                    var c = new AdamCoefficients(b1, b2, 1e-8, lr / (1 - Math.Pow(b1, step)), 1 / Math.Sqrt(1 - Math.Pow(b2, step)),
                        decoupled ? 0 : wd, decoupled ? lr * wd : 0);
                    be.AdamStep(c, o[0], pOff, i[0], gOff, o[1], o[2], count);
                }
            });
        }
    }

    private static void MovingAverage(Backend sut, Backend reference, Random rng, DType t)
    {
        foreach (var (count, decay) in new[] { (7, 0.9999), (40, 0.5), (333, 0.99), (1, 0.0), (20011, 0.99) })
        {
            int vOff = rng.Next(0, 3);
            var inputs = new List<HostView> { Values(rng, t, count + vOff, -1, 1) };
            // The shadow is updated in place: it is the output, starting from given values; the guard past it stays.
            var shadow = Values(rng, t, count + Exec.Guard, -1, 1);
            FusedExec.Check($"moving average count {count} decay {decay} {t}", sut, reference, inputs, [shadow], Tolerance.For(t), (i, o, be) =>
            {
                for (int step = 0; step < 3; step++) be.MovingAverageStep(o[0], i[0], vOff, count, decay);
            });
        }
    }
}

/// <summary>The op under test with several outputs.</summary>
public delegate void FusedOp(IBuffer[] inputs, IBuffer[] outputs, Backend backend);

/// <summary>Runs a multi-output op on both backends from the same host values and compares every output buffer in full.</summary>
public static class FusedExec
{
    public static double[][] Run(Backend backend, IReadOnlyList<HostView> inputs, IReadOnlyList<HostView> outputs, FusedOp op)
    {
        var ins = inputs.Select(v => v.Upload(backend)).ToArray();
        var outs = outputs.Select(v => v.Upload(backend)).ToArray();
        try
        {
            op(ins, outs, backend);
            return outs.Select((o, k) => Compare.ReadAll(backend, o, outputs[k].Storage.Length)).ToArray();
        }
        finally
        {
            foreach (var b in outs) b.Dispose();
            foreach (var b in ins) b.Dispose();
        }
    }

    public static void Check(string what, Backend sut, Backend reference, IReadOnlyList<HostView> inputs, IReadOnlyList<HostView> outputs, Tolerance tol, FusedOp op)
    {
        var want = Run(reference, inputs, outputs, op);
        var got = Run(sut, inputs, outputs, op);
        for (int k = 0; k < want.Length; k++)
            Compare.Close($"{what}, output {k}, on {sut.Name} vs {reference.Name}", got[k], want[k], tol);
    }
}
