using GsdmCore.Backends;
using GsdmCore.Nn;
using Xunit;

namespace GsdmCore.Nn.Tests;

public class LayerTests
{
    private static Tensor X(int[] shape, ulong seed) => TestGraphs.Randn(shape, seed);

    [Fact]
    public void GroupNorm_matches_scalar_reference_over_channels_in_group_and_all_nodes()
    {
        int b = 2, n = 5, c = 6, groups = 3;
        var gn = new GroupNorm(groups, c, eps: 1e-5, dtype: DType.F64);
        using (GradMode.Disable())
        {
            gn.Weight!.CopyFrom(X([c], 1));
            gn.Bias!.CopyFrom(X([c], 2));
        }
        var x = X([b, n, c], 3);
        var y = gn.Forward(x).ToArray<double>();
        var xs = x.ToArray<double>();
        var w = gn.Weight!.ToArray<double>();
        var bias = gn.Bias!.ToArray<double>();
        int cg = c / groups;
        for (int s = 0; s < b; s++)
            for (int g = 0; g < groups; g++)
            {
                double sum = 0, sq = 0;
                for (int i = 0; i < n; i++) for (int ch = g * cg; ch < (g + 1) * cg; ch++) sum += xs[(s * n + i) * c + ch];
                double mean = sum / (n * cg);
                for (int i = 0; i < n; i++) for (int ch = g * cg; ch < (g + 1) * cg; ch++) sq += Math.Pow(xs[(s * n + i) * c + ch] - mean, 2);
                double variance = sq / (n * cg);
                for (int i = 0; i < n; i++)
                    for (int ch = g * cg; ch < (g + 1) * cg; ch++)
                    {
                        int at = (s * n + i) * c + ch;
                        double expected = (xs[at] - mean) / Math.Sqrt(variance + 1e-5) * w[ch] + bias[ch];
                        Assert.Equal(expected, y[at], 1e-12);
                    }
            }
    }

    [Theory]
    [InlineData(DType.F64, 1e-12, false)]
    [InlineData(DType.F32, 1e-4, false)]
    [InlineData(DType.F64, 1e-12, true)]
    [InlineData(DType.F32, 1e-4, true)]
    public void Fused_GroupNorm_equals_composed_ops_in_value_and_gradient(DType dtype, double tol, bool silu)
    {
        var gn = new GroupNorm(4, 8, dtype: dtype);
        using (GradMode.Disable()) { gn.Weight!.CopyFrom(X([8], 1).To(dtype)); gn.Bias!.CopyFrom(X([8], 2).To(dtype)); }
        var x0 = X([3, 7, 8], 3).To(dtype);
        var w = X([3, 7, 8], 4).To(dtype);
        double[][] Run(Func<Tensor, Tensor> f)
        {
            gn.ZeroGrad();
            var x = x0.Detach().Clone().RequireGrad();
            var y = f(x);
            (y * w).Sum().Backward();
            return [y.ToArray<double>(), x.Grad!.ToArray<double>(), gn.Weight!.Grad!.ToArray<double>(), gn.Bias!.Grad!.ToArray<double>()];
        }
        var fused = Run(silu ? gn.ForwardSilu : gn.Forward);
        var composed = Run(silu ? x => gn.ForwardComposed(x).Silu() : gn.ForwardComposed);
        for (int i = 0; i < 4; i++) SparseAttentionTests.AssertClose(composed[i], fused[i], $"part {i}", tol);
    }

    [Theory]
    [InlineData(DType.F64, 1e-12, false)]
    [InlineData(DType.F32, 1e-4, false)]
    [InlineData(DType.F64, 1e-12, true)]
    [InlineData(DType.F32, 1e-4, true)]
    public void Fused_GroupNorm_without_affine_at_model_width_on_an_offset_view_equals_composed_ops(DType dtype, double tol, bool silu)
    {
        // 128 channels in 32 groups of 4 (the denoiser's shape), no affine map, and an input that starts part-way
        // into its storage (a contiguous narrow), so the kernels' offsets are exercised.
        var gn = new GroupNorm(32, 128, affine: false, dtype: dtype);
        var storage = X([3, 9, 128], 3).To(dtype);
        var w = X([2, 9, 128], 4).To(dtype);
        double[][] Run(Func<Tensor, Tensor> f)
        {
            var leaf = storage.Detach().Clone().RequireGrad();
            var x = leaf.Narrow(0, 1, 2);
            Assert.True(x.IsContiguous && x.Layout.Offset > 0);
            var y = f(x);
            (y * w).Sum().Backward();
            return [y.ToArray<double>(), leaf.Grad!.ToArray<double>()];
        }
        var fused = Run(silu ? gn.ForwardSilu : gn.Forward);
        var composed = Run(silu ? x => gn.ForwardComposed(x).Silu() : gn.ForwardComposed);
        for (int i = 0; i < 2; i++) SparseAttentionTests.AssertClose(composed[i], fused[i], $"part {i}", tol);
    }

    [Theory]
    [InlineData(DType.F64, 1e-12)]
    [InlineData(DType.F32, 1e-5)]
    public void Fused_SiLU_at_large_positive_and_negative_activations_equals_the_composed_SiLU(DType dtype, double tol)
    {
        // A weight of 40 sends the normalised values to about +-120, where e^-z overflows for the naive sigmoid's
        // negative side and the fused kernel takes e^-|z| instead; 128 channels use its widest vectors.
        var gn = new GroupNorm(32, 128, dtype: dtype);
        using (GradMode.Disable()) gn.Weight!.CopyFrom(Tensor.Full([128], 40.0, dtype));
        var x = X([2, 9, 128], 3).To(dtype).RequireGrad();
        var w = X([2, 9, 128], 4).To(dtype);
        double[][] Run(Func<Tensor, Tensor> f)
        {
            x.Grad = null;
            var y = f(x);
            (y * w).Sum().Backward();
            return [y.ToArray<double>(), x.Grad!.ToArray<double>()];
        }
        var fused = Run(gn.ForwardSilu);
        var composed = Run(t => gn.ForwardComposed(t).Silu());
        Assert.Contains(fused[0], v => v > 50);
        Assert.Contains(fused[0], v => v == 0 || (v < 0 && v > -1e-20));
        for (int i = 0; i < 2; i++) SparseAttentionTests.AssertClose(composed[i], fused[i], $"part {i}", tol);
    }

    [Fact]
    public void LayerNorm_matches_scalar_reference()
    {
        var ln = new LayerNorm(7, dtype: DType.F64);
        using (GradMode.Disable()) { ln.Weight!.CopyFrom(X([7], 1)); ln.Bias!.CopyFrom(X([7], 2)); }
        var x = X([3, 4, 7], 3);
        var y = ln.Forward(x).ToArray<double>();
        var xs = x.ToArray<double>();
        var w = ln.Weight!.ToArray<double>();
        var bias = ln.Bias!.ToArray<double>();
        for (int r = 0; r < 12; r++)
        {
            double mean = 0, variance = 0;
            for (int j = 0; j < 7; j++) mean += xs[r * 7 + j] / 7;
            for (int j = 0; j < 7; j++) variance += Math.Pow(xs[r * 7 + j] - mean, 2) / 7;
            for (int j = 0; j < 7; j++)
                Assert.Equal((xs[r * 7 + j] - mean) / Math.Sqrt(variance + 1e-5) * w[j] + bias[j], y[r * 7 + j], 1e-12);
        }
    }

    [Fact]
    public void Linear_gradients_match_finite_differences()
    {
        var lin = new Linear(4, 3, new Generator(1), dtype: DType.F64);
        var x = X([2, 5, 4], 2);
        ParameterGradCheck.Assert(lin, () => ParameterGradCheck.Weighted(lin.Forward(x)));
        ParameterGradCheck.AssertInputs(t => lin.Forward(t[0]), X([2, 5, 4], 3));
    }

    [Fact]
    public void Linear_with_a_residual_equals_the_sum_and_its_gradients_match_finite_differences()
    {
        var lin = new Linear(4, 3, new Generator(1), dtype: DType.F64);
        var x = X([2, 5, 4], 2);
        var residual = X([2, 5, 3], 5);
        var fused = lin.Forward(x, residual).ToArray<double>();
        var composed = (residual + lin.Forward(x)).ToArray<double>();
        for (int i = 0; i < fused.Length; i++) Assert.Equal(composed[i], fused[i], 1e-12);
        ParameterGradCheck.Assert(lin, () => ParameterGradCheck.Weighted(lin.Forward(x, residual)));
        ParameterGradCheck.AssertInputs(t => lin.Forward(t[0], t[1]), X([2, 5, 4], 3), X([2, 5, 3], 4));
        var noBias = new Linear(4, 3, new Generator(2), bias: false, dtype: DType.F64);
        ParameterGradCheck.AssertInputs(t => noBias.Forward(t[0], t[1]), X([2, 5, 4], 3), X([2, 5, 3], 4));
        // A residual that broadcasts ([batch, 1, out]) is expanded.
        var rowResidual = X([2, 1, 3], 7);
        var broadcast = lin.Forward(x, rowResidual).ToArray<double>();
        var broadcastComposed = (lin.Forward(x) + rowResidual).ToArray<double>();
        for (int i = 0; i < broadcast.Length; i++) Assert.Equal(broadcastComposed[i], broadcast[i], 1e-12);
        ParameterGradCheck.AssertInputs(t => lin.Forward(t[0], t[1]), X([2, 5, 4], 3), X([2, 1, 3], 8));
        var e = Assert.Throws<TensorShapeException>(() => lin.Forward(x, X([4, 5, 3], 6)));
        Assert.Contains("residual", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GroupNorm_gradients_match_finite_differences(bool silu)
    {
        var gn = new GroupNorm(2, 4, dtype: DType.F64);
        using (GradMode.Disable()) { gn.Weight!.CopyFrom(X([4], 1)); gn.Bias!.CopyFrom(X([4], 2)); }
        Tensor Apply(Tensor t) => silu ? gn.ForwardSilu(t) : gn.Forward(t);
        var x = X([2, 3, 4], 3);
        ParameterGradCheck.Assert(gn, () => ParameterGradCheck.Weighted(Apply(x)));
        ParameterGradCheck.AssertInputs(t => Apply(t[0]), X([2, 3, 4], 4));
    }

    [Fact]
    public void LayerNorm_gradients_match_finite_differences()
    {
        var ln = new LayerNorm(5, dtype: DType.F64);
        using (GradMode.Disable()) { ln.Weight!.CopyFrom(X([5], 1)); ln.Bias!.CopyFrom(X([5], 2)); }
        var x = X([3, 5], 3);
        ParameterGradCheck.Assert(ln, () => ParameterGradCheck.Weighted(ln.Forward(x)));
        ParameterGradCheck.AssertInputs(t => ln.Forward(t[0]), X([3, 5], 4));
    }

    [Fact]
    public void SiLU_gradient_matches_finite_differences()
    {
        var silu = new SiLU();
        ParameterGradCheck.AssertInputs(t => silu.Forward(t[0]), X([4, 3], 1));
        Assert.Equal(1 / (1 + Math.Exp(-1.0)), silu.Forward(Tensor.Ones([1], DType.F64)).Item(), 1e-15);
    }

    [Fact]
    public void Timestep_embedding_follows_the_reference_formula()
    {
        var t = Tensor.FromArray(new double[] { 0, 3, 250 });
        foreach (int dim in new[] { 8, 9 })
        {
            var e = TimestepEmbedding.Sinusoidal(t, dim);
            Assert.Equal([3, dim], e.Shape);
            int half = dim / 2;
            for (int r = 0; r < 3; r++)
            {
                double tv = t[r];
                for (int k = 0; k < half; k++)
                {
                    double freq = Math.Exp(-Math.Log(10000) * k / (half - 1));
                    Assert.Equal(Math.Sin(tv * freq), e[r, k], 1e-12);
                    Assert.Equal(Math.Cos(tv * freq), e[r, half + k], 1e-12);
                }
                if (dim % 2 == 1) Assert.Equal(0.0, e[r, dim - 1]);
            }
        }
    }

    [Fact]
    public void Dense_attention_equals_masked_attention_with_a_full_mask()
    {
        var full = new bool[5, 5];
        for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) full[i, j] = true;
        var q = X([2, 2, 5, 3], 1); var k = X([2, 2, 5, 3], 2); var v = X([2, 2, 5, 3], 3);
        var a = new DenseAttention().Forward(q, k, v).ToArray<double>();
        var b = new MaskedDenseAttention(full).Forward(q, k, v).ToArray<double>();
        SparseAttentionTests.AssertClose(a, b, "dense vs full mask", 1e-12);
        ParameterGradCheck.AssertInputs(t => new DenseAttention(0.7).Forward(t[0], t[1], t[2]), q, k, v);
    }

    [Fact]
    public void Linear_attention_matches_the_difformer_formula_and_its_gradient()
    {
        int n = 6, d = 3;
        var q = X([1, 1, n, d], 1); var k = X([1, 1, n, d], 2); var v = X([1, 1, n, d], 3);
        var o = new LinearAttention().Forward(q, k, v).ToArray<double>();
        var qs = q.ToArray<double>(); var ks = k.ToArray<double>(); var vs = v.ToArray<double>();
        double[] Unit(double[] a, int row) { var r = a.Skip(row * d).Take(d).ToArray(); double nrm = Math.Sqrt(r.Sum(x => x * x)); return r.Select(x => x / nrm).ToArray(); }
        for (int i = 0; i < n; i++)
        {
            var qi = Unit(qs, i);
            // Equivalent per-pair form: out_i = sum_j (1 + q~_i.k~_j) v_j / sum_j (1 + q~_i.k~_j).
            double den = 0;
            var num = new double[d];
            for (int j = 0; j < n; j++)
            {
                var kj = Unit(ks, j);
                double wgt = 1 + qi.Zip(kj, (a, b) => a * b).Sum();
                den += wgt;
                for (int c = 0; c < d; c++) num[c] += wgt * vs[j * d + c];
            }
            for (int c = 0; c < d; c++) Assert.Equal(num[c] / den, o[i * d + c], 1e-10);
        }
        ParameterGradCheck.AssertInputs(t => new LinearAttention().Forward(t[0], t[1], t[2]), X([2, 2, 4, 3], 4), X([2, 2, 4, 3], 5), X([2, 2, 4, 3], 6));
    }

    [Fact]
    public void Masked_attention_gradients_match_finite_differences()
    {
        var graph = TestGraphs.Random([1, 2, 4, 3], 1);
        ParameterGradCheck.AssertInputs(t => new MaskedDenseAttention(graph).Forward(t[0], t[1], t[2]), X([1, 2, 4, 3], 1), X([1, 2, 4, 3], 2), X([1, 2, 4, 3], 3));
    }

    [Fact]
    public void ResNet_block_gradients_match_finite_differences()
    {
        var block = new ResNetBlock(4, 6, tembChannels: 3, nodeEmbeddingChannels: 2, new Generator(1), groups: 2, dtype: DType.F64);
        var x = X([2, 3, 4], 2);
        var temb = X([2, 3], 3);
        var emb = X([3, 2], 4);
        Assert.Equal([2, 3, 6], block.Forward(x, temb, emb).Shape);
        ParameterGradCheck.Assert(block, () => ParameterGradCheck.Weighted(block.Forward(x, temb, emb)));
        ParameterGradCheck.AssertInputs(t => block.Forward(t[0], t[1], t[2]), x, temb, emb);
    }

    [Fact]
    public void Attention_block_gradients_match_finite_differences_for_every_kernel()
    {
        var graph = TestGraphs.Random([1, 3, 2, 4], 2);
        var kernels = new IAttentionKernel[] { new DenseAttention(), new MaskedDenseAttention(graph), new SparseAttention(graph), new LinearAttention() };
        var x = X([2, 4, 4], 1);
        foreach (var kernel in kernels)
        {
            var block = new AttentionBlock(4, 2, kernel, new Generator(3), groups: 2, dtype: DType.F64);
            ParameterGradCheck.Assert(block, () => ParameterGradCheck.Weighted(block.Forward(x)));
            ParameterGradCheck.AssertInputs(t => block.Forward(t[0]), x);
        }
    }

    [Fact]
    public void Attention_block_with_sparse_kernel_equals_masked_kernel()
    {
        var graph = TestGraphs.Sudoku(2);
        var block = new AttentionBlock(8, 2, new SparseAttention(graph), new Generator(3), groups: 4, dtype: DType.F64);
        var x = X([2, 16, 8], 1);
        var a = block.Forward(x).ToArray<double>();
        block.Kernel = new MaskedDenseAttention(graph);
        SparseAttentionTests.AssertClose(block.Forward(x).ToArray<double>(), a, "block", 1e-12);
    }

    [Fact]
    public void Dropout_is_identity_in_eval_and_scales_in_training()
    {
        var drop = new Dropout(0.5, new Generator(1));
        var x = Tensor.Ones([1000]);
        var y = drop.Forward(x).ToArray();
        Assert.All(y, v => Assert.True(v == 0 || v == 2));
        Assert.InRange(y.Count(v => v == 0), 400, 600);
        drop.Eval();
        Assert.Equal(x.ToArray(), drop.Forward(x).ToArray());
    }
}
