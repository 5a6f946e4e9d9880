using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using GsdmCore.Autograd;
using GsdmCore.Backends;
using GsdmCore.Nn;
using GsdmCore.Backends.Cpu;
using Xunit;

namespace GsdmCore.Nn.Tests;

public class SparseAttentionTests
{
    /// <summary>
    /// Runs both kernels on the same inputs and compares outputs and the gradients wrt q, k, v (F64). With
    /// <paramref name="nodeMajor"/> the inputs are [B, N, H, Dh] leaves viewed as [B, H, N, Dh], as the
    /// attention block passes them (strided rows, node-major gradients).
    /// </summary>
    private static void AssertMatchesMaskedDense(SparseGraph graph, int batch, int heads, int d, double? scale, ulong seed, bool nodeMajor = false)
    {
        int n = graph.Nodes;
        var shape = nodeMajor ? new[] { batch, n, heads, d } : new[] { batch, heads, n, d };
        var q0 = TestGraphs.Randn(shape, seed);
        var k0 = TestGraphs.Randn(shape, seed + 1);
        var v0 = TestGraphs.Randn(shape, seed + 2);
        var w = TestGraphs.Randn([batch, heads, n, d], seed + 3);
        Tensor View(Tensor leaf) => nodeMajor ? leaf.Permute(0, 2, 1, 3) : leaf;

        (double[] Out, double[] Dq, double[] Dk, double[] Dv) Run(IAttentionKernel kernel)
        {
            var q = q0.Clone().RequireGrad();
            var k = k0.Clone().RequireGrad();
            var v = v0.Clone().RequireGrad();
            var o = kernel.Forward(View(q), View(k), View(v));
            (o * w).Sum().Backward();
            return (o.ToArray<double>(), q.Grad!.ToArray<double>(), k.Grad!.ToArray<double>(), v.Grad!.ToArray<double>());
        }

        var sparse = Run(new SparseAttention(graph, scale));
        var dense = Run(new MaskedDenseAttention(graph, scale));
        AssertClose(dense.Out, sparse.Out, "output");
        AssertClose(dense.Dq, sparse.Dq, "dq");
        AssertClose(dense.Dk, sparse.Dk, "dk");
        AssertClose(dense.Dv, sparse.Dv, "dv");
    }

    internal static void AssertClose(double[] expected, double[] actual, string what, double tol = 1e-10)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    [Property(MaxTest = 40)]
    public void Sparse_equals_masked_dense_on_random_graphs(PositiveInt nodesSeed, PositiveInt degreeSeed, bool unscaled)
    {
        int n = 1 + nodesSeed.Get % 24;
        var rng = new Random(degreeSeed.Get);
        // Mix rows with only a self-loop, full rows and everything in between.
        var degrees = Enumerable.Range(0, n).Select(_ => rng.Next(4) switch { 0 => 1, 1 => n, _ => 1 + rng.Next(n) }).ToArray();
        var graph = TestGraphs.Random(degrees, degreeSeed.Get);
        int d = 1 + rng.Next(9);
        AssertMatchesMaskedDense(graph, 1 + rng.Next(2), 1 + rng.Next(3), d, unscaled ? 1.0 : null, (ulong)degreeSeed.Get);
    }

    [Fact]
    public void Sparse_equals_masked_dense_on_sudoku_graph()
    {
        var graph = TestGraphs.Sudoku(2);
        AssertMatchesMaskedDense(graph, 2, 2, 16, null, 11);
        AssertMatchesMaskedDense(graph, 1, 2, 5, 1.0, 12);
    }

    [Fact]
    public void Sparse_equals_masked_dense_on_node_major_strided_views()
    {
        var graph = TestGraphs.Random(Enumerable.Repeat(7, 40).ToArray(), 5);
        AssertMatchesMaskedDense(graph, 2, 3, 16, null, 21, nodeMajor: true);
        AssertMatchesMaskedDense(graph, 1, 2, 5, 1.0, 22, nodeMajor: true);
    }

    [Fact]
    public void Sparse_equals_masked_dense_on_a_larger_graph_of_degree_21()
    {
        var graph = TestGraphs.Random(Enumerable.Repeat(21, 200).ToArray(), 9);
        AssertMatchesMaskedDense(graph, 2, 2, 16, null, 31);
        AssertMatchesMaskedDense(graph, 1, 3, 9, null, 32, nodeMajor: true);
    }

    [Fact]
    public void Sparse_equals_masked_dense_on_rows_longer_than_32_keys()
    {
        // Float rows of more than 32 keys take their own softmax and dS loops: lengths that are whole 512-bit vectors
        // (48, 64, 96) and lengths that end in a partial one (33, 40, 65, 100), beside short rows.
        int[] lengths = [33, 40, 48, 64, 65, 96, 100, 21, 1];
        var graph = TestGraphs.Random(Enumerable.Range(0, 100).Select(i => lengths[i % lengths.Length]).ToArray(), 17);
        AssertMatchesMaskedDense(graph, 2, 2, 16, null, 41);
        AssertMatchesMaskedDense(graph, 1, 2, 7, 1.0, 42, nodeMajor: true);
    }

    [Theory]
    [InlineData(60, 30, 3.0, 2e-5)]
    [InlineData(100, 100, 10.0, 2e-5)] // rows of up to 100 keys (the F32 long-row loops)
    // Logits thousands apart: a softmax that subtracted less than the row's true maximum would overflow to NaN. The
    // F32 logits' rounding (about 1e-4 here) moves near-ties, hence the wider tolerance.
    [InlineData(100, 100, 1000.0, 1e-3)]
    public void Float_and_double_kernels_agree(int nodes, int longestRow, double logitScale, double tolerance)
    {
        // The F32 softmax uses its own vector exp; the F64 one the runtime's.
        var graph = TestGraphs.Random(Enumerable.Range(0, nodes).Select(i => 1 + i % longestRow).ToArray(), 4);
        var inputs = Enumerable.Range(0, 4).Select(i => TestGraphs.Randn([2, 4, nodes, 16], 40 + (ulong)i)).ToArray();
        (double[] Out, double[] Dq, double[] Dk, double[] Dv) Run(DType dtype)
        {
            var q = inputs[0].To(dtype).Detach().RequireGrad();
            var k = inputs[1].To(dtype).Detach().RequireGrad();
            var v = inputs[2].To(dtype).Detach().RequireGrad();
            var o = new SparseAttention(graph).Forward(q * logitScale, k, v);
            (o * inputs[3].To(dtype)).Sum().Backward();
            return (o.ToArray<double>(), q.Grad!.ToArray<double>(), k.Grad!.ToArray<double>(), v.Grad!.ToArray<double>());
        }
        var f32 = Run(DType.F32);
        var f64 = Run(DType.F64);
        AssertClose(f64.Out, f32.Out, "output", tolerance);
        AssertClose(f64.Dq, f32.Dq, "dq", tolerance);
        AssertClose(f64.Dk, f32.Dk, "dk", tolerance);
        AssertClose(f64.Dv, f32.Dv, "dv", tolerance);
    }

    [Fact]
    public void Float_vector_exp_is_within_one_ulp_on_the_softmax_range()
    {
        var rng = new Random(3);
        var x = new float[8];
        double worst = 0;
        for (int trial = 0; trial < 20_000; trial++)
        {
            for (int i = 0; i < x.Length; i++)
                x[i] = trial % 2 == 0 ? -87.3f * (float)rng.NextDouble() : -(float)rng.NextDouble() * (float)Math.Pow(2, -rng.Next(24));
            var y = SimdMath<float>.Exp(System.Runtime.Intrinsics.Vector256.Create(x));
            for (int i = 0; i < x.Length; i++)
            {
                float want = (float)Math.Exp(x[i]);
                worst = Math.Max(worst, Math.Abs(y[i] - Math.Exp(x[i])) / (MathF.BitIncrement(want) - want));
            }
        }
        Assert.True(worst <= 1.0, $"worst error {worst:F3} ulp");
        var special = SimdMath<float>.Exp(System.Runtime.Intrinsics.Vector256.Create(0f, -100f, float.NegativeInfinity, float.NaN, -1e-30f, -87.3f, -1f, -20f));
        Assert.Equal(1f, special[0]);
        Assert.Equal(0f, special[1]);
        Assert.Equal(0f, special[2]);
        Assert.True(float.IsNaN(special[3]));
        Assert.Equal(1f, special[4]);
    }

    [Fact]
    public void Rows_with_only_a_self_loop_copy_their_value()
    {
        var graph = SparseGraph.FromEdges(4, [(0, 1), (0, 2)]);
        var q = TestGraphs.Randn([1, 1, 4, 3], 1);
        var k = TestGraphs.Randn([1, 1, 4, 3], 2);
        var v = TestGraphs.Randn([1, 1, 4, 3], 3);
        var o = new SparseAttention(graph).Forward(q, k, v);
        for (int i = 1; i < 4; i++)
            for (int c = 0; c < 3; c++)
                Assert.Equal(v[0, 0, i, c], o[0, 0, i, c]);
    }

    [Fact]
    public void Fused_backward_passes_gradcheck_in_f64()
    {
        var graph = TestGraphs.Random([1, 3, 5, 2, 5], 3);
        var kernel = new SparseAttention(graph);
        var inputs = new[] { TestGraphs.Randn([2, 2, 5, 3], 1), TestGraphs.Randn([2, 2, 5, 3], 2), TestGraphs.Randn([2, 2, 5, 3], 3) };
        var result = GradCheck.Run(x => kernel.Forward(x[0], x[1], x[2]), inputs);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void Reads_permuted_views_in_place_and_matches_contiguous_inputs()
    {
        var graph = TestGraphs.Sudoku(2);
        var kernel = new SparseAttention(graph);
        var x = TestGraphs.Randn([2, 16, 3, 4], 5, DType.F32); // [B, N, H, Dh]
        var view = x.Permute(0, 2, 1, 3);
        var a = kernel.Forward(view, view, view).ToArray<double>();
        var c = view.Contiguous();
        var b = kernel.Forward(c, c, c).ToArray<double>();
        Assert.Equal(b, a);
    }

    [Fact]
    public void Empty_rows_are_zero_without_nan_in_both_kernels()
    {
        var graph = new SparseGraph(3, [0, 2, 2, 3], [0, 1, 2], requireSelfLoops: false);
        var q = TestGraphs.Randn([1, 1, 3, 2], 1).RequireGrad();
        var k = TestGraphs.Randn([1, 1, 3, 2], 2).RequireGrad();
        var v = TestGraphs.Randn([1, 1, 3, 2], 3).RequireGrad();
        foreach (IAttentionKernel kernel in new IAttentionKernel[] { new SparseAttention(graph), new MaskedDenseAttention(graph) })
        {
            var o = kernel.Forward(q, k, v);
            o.Sum().Backward();
            Assert.All(o.ToArray<double>(), x => Assert.False(double.IsNaN(x)));
            Assert.Equal(0.0, o[0, 0, 1, 0]);
            Assert.All(q.Grad!.ToArray<double>(), x => Assert.False(double.IsNaN(x)));
            q.Grad = k.Grad = v.Grad = null;
        }
    }

    [Fact]
    public void Graph_validation_rejects_bad_csr()
    {
        Assert.Throws<ArgumentException>(() => new SparseGraph(2, [0, 2, 3], [1, 0, 1]));    // unsorted
        Assert.Throws<ArgumentException>(() => new SparseGraph(2, [0, 2, 4], [0, 0, 0, 1]));  // duplicate
        Assert.Throws<ArgumentException>(() => new SparseGraph(2, [0, 1, 2], [0, 2]));        // out of range
        Assert.Throws<ArgumentException>(() => new SparseGraph(2, [0, 1, 2], [0, 0]));        // row 1 lacks self-loop
        Assert.Throws<ArgumentException>(() => new SparseGraph(2, [0, 2, 1], [0, 1]));        // decreasing pointers
        Assert.Throws<ArgumentException>(() => new SparseGraph(2, [0, 1], [0]));              // wrong pointer count
        var ok = new SparseGraph(2, [0, 1, 3], [0, 0, 1]);
        Assert.Equal(3, ok.EdgeCount);
        Assert.Equal(2, ok.Degree(1));
    }
}
