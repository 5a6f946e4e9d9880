using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using GsdmCore.Backends;
using GsdmCore.Nn;
using Xunit;

namespace GsdmCore.Nn.Tests;

public class DenseAttentionTests
{
    /// <summary>softmax(q k^T * scale) v written out with tensor ops: the formula the fused op replaces.</summary>
    internal static Tensor Composed(Tensor q, Tensor k, Tensor v, double? scale) =>
        (q.Matmul(k.MT) * (scale ?? 1.0 / Math.Sqrt(q.Dim(3)))).Softmax(-1).Matmul(v);

    private static (double[] Out, double[]? Dq, double[]? Dk, double[]? Dv) Run(Func<Tensor, Tensor, Tensor, Tensor> attention,
        Tensor[] leaves, Tensor w, bool nodeMajor, bool[] requires)
    {
        var (q, k, v) = (leaves[0].Clone(), leaves[1].Clone(), leaves[2].Clone());
        if (requires[0]) q.RequireGrad();
        if (requires[1]) k.RequireGrad();
        if (requires[2]) v.RequireGrad();
        Tensor View(Tensor leaf) => nodeMajor ? leaf.Permute(0, 2, 1, 3) : leaf;
        var o = attention(View(q), View(k), View(v));
        (o * w).Sum().Backward();
        return (o.ToArray<double>(), q.Grad?.ToArray<double>(), k.Grad?.ToArray<double>(), v.Grad?.ToArray<double>());
    }

    /// <summary>
    /// The fused op against the composed formula (F64): output and the gradients of the inputs that require one.
    /// With <paramref name="nodeMajor"/> the inputs are [B, N, H, Dh] leaves viewed as [B, H, N, Dh], as the
    /// attention block passes them.
    /// </summary>
    private static void AssertMatchesComposed(int batch, int heads, int n, int d, double? scale, ulong seed, bool nodeMajor, bool[]? requires = null)
    {
        requires ??= [true, true, true];
        var shape = nodeMajor ? new[] { batch, n, heads, d } : new[] { batch, heads, n, d };
        // Scaled up so that some softmax rows are far from flat.
        var leaves = Enumerable.Range(0, 3).Select(i => TestGraphs.Randn(shape, seed + (ulong)i) * 1.5).ToArray();
        var w = TestGraphs.Randn([batch, heads, n, d], seed + 3);
        var fused = Run((q, k, v) => new DenseAttention(scale).Forward(q, k, v), leaves, w, nodeMajor, requires);
        var composed = Run((q, k, v) => Composed(q, k, v, scale), leaves, w, nodeMajor, requires);
        string what = $"B {batch} H {heads} N {n} Dh {d} scale {scale} {(nodeMajor ? "node-major" : "head-major")}";
        SparseAttentionTests.AssertClose(composed.Out, fused.Out, $"{what} output");
        foreach (var (want, got, name) in new[] { (composed.Dq, fused.Dq, "dq"), (composed.Dk, fused.Dk, "dk"), (composed.Dv, fused.Dv, "dv") })
        {
            Assert.Equal(want == null, got == null);
            if (want != null) SparseAttentionTests.AssertClose(want, got!, $"{what} {name}");
        }
    }

    [Property(MaxTest = 40)]
    public void Fused_equals_composed_formula_on_random_shapes(PositiveInt seed, bool nodeMajor, bool unscaled)
    {
        var rng = new Random(seed.Get);
        int n = 1 + rng.Next(40), d = 1 + rng.Next(20);
        AssertMatchesComposed(1 + rng.Next(2), 1 + rng.Next(3), n, d, unscaled ? 1.0 : null, (ulong)seed.Get, nodeMajor);
    }

    [Theory]
    [InlineData(2, 2, 81, 16, false)]
    [InlineData(1, 3, 81, 16, true)]
    [InlineData(1, 2, 7, 3, false)]
    [InlineData(2, 1, 33, 20, true)]
    [InlineData(1, 1, 1, 5, false)]
    public void Fused_equals_composed_formula_on_model_shapes(int b, int h, int n, int d, bool nodeMajor) =>
        AssertMatchesComposed(b, h, n, d, null, 17, nodeMajor);

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    [InlineData(true, false, true)]
    public void Only_inputs_that_require_grad_get_one(bool q, bool k, bool v) =>
        AssertMatchesComposed(2, 2, 19, 9, 0.7, 5, nodeMajor: false, [q, k, v]);

    [Fact]
    public void Fused_backward_passes_gradcheck_in_f64()
    {
        var kernel = new DenseAttention();
        var inputs = new[] { TestGraphs.Randn([2, 2, 5, 3], 1), TestGraphs.Randn([2, 2, 5, 3], 2), TestGraphs.Randn([2, 2, 5, 3], 3) };
        var result = GradCheck.Run(x => kernel.Forward(x[0], x[1], x[2]), inputs);
        Assert.True(result.Passed, result.ToString());
        var wide = new[] { TestGraphs.Randn([1, 1, 9, 10], 4), TestGraphs.Randn([1, 1, 9, 10], 5), TestGraphs.Randn([1, 1, 9, 10], 6) };
        result = GradCheck.Run(x => new DenseAttention(0.5).Forward(x[0], x[1], x[2]), wide);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void Float_and_double_kernels_agree()
    {
        var inputs = Enumerable.Range(0, 4).Select(i => TestGraphs.Randn([2, 4, 81, 16], 40 + (ulong)i)).ToArray();
        (double[] Out, double[] Dq, double[] Dk, double[] Dv) Run(DType dtype)
        {
            var q = inputs[0].To(dtype).Detach().RequireGrad();
            var k = inputs[1].To(dtype).Detach().RequireGrad();
            var v = inputs[2].To(dtype).Detach().RequireGrad();
            var o = new DenseAttention().Forward(q * 3.0, k, v);
            (o * inputs[3].To(dtype)).Sum().Backward();
            return (o.ToArray<double>(), q.Grad!.ToArray<double>(), k.Grad!.ToArray<double>(), v.Grad!.ToArray<double>());
        }
        var f32 = Run(DType.F32);
        var f64 = Run(DType.F64);
        SparseAttentionTests.AssertClose(f64.Out, f32.Out, "output", 2e-5);
        SparseAttentionTests.AssertClose(f64.Dq, f32.Dq, "dq", 2e-5);
        SparseAttentionTests.AssertClose(f64.Dk, f32.Dk, "dk", 2e-5);
        SparseAttentionTests.AssertClose(f64.Dv, f32.Dv, "dv", 2e-5);
    }

    [Fact]
    public void Without_grad_the_output_records_nothing()
    {
        var q = TestGraphs.Randn([1, 2, 6, 4], 1).RequireGrad();
        Tensor o;
        using (GradMode.Disable()) o = new DenseAttention().Forward(q, q, q);
        Assert.False(o.RequiresGrad);
        var plain = new DenseAttention().Forward(q.Detach(), q.Detach(), q.Detach());
        Assert.False(plain.RequiresGrad);
        Assert.Equal(o.ToArray<double>(), plain.ToArray<double>());
    }

    [Fact]
    public void Mismatched_inputs_throw_typed_errors_naming_the_op()
    {
        var q = TestGraphs.Randn([1, 2, 6, 4], 1);
        var e = Assert.Throws<TensorShapeException>(() => new DenseAttention().Forward(q, TestGraphs.Randn([1, 2, 5, 4], 2), q));
        Assert.Contains("dense_attention", e.Message);
        Assert.Throws<TensorDTypeException>(() => new DenseAttention().Forward(q, q.To(DType.F32), q));
        Assert.Throws<TensorShapeException>(() => new DenseAttention().Forward(TestGraphs.Randn([2, 6, 4], 3), q, q));
    }
}
