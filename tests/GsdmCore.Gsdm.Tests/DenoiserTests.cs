using GsdmCore.Nn;

namespace GsdmCore.Gsdm.Tests;

/// <summary>The GSDM denoiser's structure: shapes, clamping, softmax heads, projections, embeddings, seeding, kernels.</summary>
public class DenoiserTests
{
    private static readonly BcmfProblem Bcmf = new(2, 3, 2);

    [Fact]
    public void Output_is_flat_and_categorical_slices_of_latent_nodes_are_distributions()
    {
        var model = new GsdmDenoiser(Bcmf.Graph, Nets.Small());
        var (x, t, mask, values) = Nets.Inputs(Bcmf, 3, 1, DType.F32);
        var y = Nets.Run(model, x, t, mask, values);
        Assert.Equal(x.Shape, y.Shape);
        var flat = y.ToArray();
        var slice = Bcmf.Graph.Slice(Bcmf.R);
        for (int b = 0; b < 3; b++)
            for (int k = 0; k < slice.NodeCount; k++)
            {
                int col = b * Bcmf.Graph.Features.Width + slice.FeatureColumn(k);
                Assert.InRange(flat[col], 0f, 1f);
                Assert.Equal(1.0, flat[col] + flat[col + 1], 5);
            }
    }

    [Fact]
    public void Observed_entries_are_clamped_in_the_input_and_in_the_output()
    {
        var model = new GsdmDenoiser(Bcmf.Graph, Nets.Small());
        var (x, t, mask, values) = Nets.Inputs(Bcmf, 2, 2, DType.F32);
        var y = Nets.Run(model, x, t, mask, values);
        var m = mask.ToArray();
        var v = values.ToArray();
        var yy = y.ToArray();
        for (int i = 0; i < m.Length; i++) if (m[i] != 0) Assert.Equal(v[i], yy[i]);
        Assert.Contains(m, e => e != 0);
        // x_t at observed entries is ignored entirely: the network sees the observations there.
        var scrambled = Tensor.Where(mask, x * 100 + 5, x);
        Assert.Equal(0.0, Nets.MaxAbsDiff(y, Nets.Run(model, scrambled, t, mask, values)));
    }

    [Fact]
    public void Input_projection_is_one_shared_linear_per_group_in_node_order()
    {
        var model = new GsdmDenoiser(Bcmf.Graph, Nets.Small());
        var (x, _, _, _) = Nets.Inputs(Bcmf, 2, 3, DType.F32);
        Tensor tokens;
        using (GradMode.Disable()) tokens = model.Input.Forward(x);
        Assert.Equal([2, Bcmf.Graph.NodeCount, 16], tokens.Shape);
        var layers = model.Input.NamedChildren().ToDictionary(c => c.Name, c => (Linear)c.Module);
        Assert.Equal(["continuous", "k2"], layers.Keys.Order());
        var f = Bcmf.Graph.Features;
        for (int node = 0; node < Bcmf.Graph.NodeCount; node++)
        {
            var layer = layers[Bcmf.Graph.Nodes[node].Kind == VariableKind.Continuous ? "continuous" : "k2"];
            Tensor expected;
            using (GradMode.Disable()) expected = layer.Forward(x.Narrow(1, f.Offset(node), f.NodeWidth(node)));
            Assert.True(Nets.MaxAbsDiff(expected, tokens.Select(1, node)) < 1e-5, $"node {node}");
        }
    }

    [Fact]
    public void Output_projection_maps_each_token_with_its_group_linear_and_a_softmax_for_categories()
    {
        var model = new GsdmDenoiser(Bcmf.Graph, Nets.Small());
        var g = new Generator(4);
        var tokens = Tensor.Randn([2, Bcmf.Graph.NodeCount, 16], g);
        Tensor flat;
        using (GradMode.Disable()) flat = model.Output.Forward(tokens);
        var layers = model.Output.NamedChildren().ToDictionary(c => c.Name, c => (Linear)c.Module);
        var f = Bcmf.Graph.Features;
        for (int node = 0; node < Bcmf.Graph.NodeCount; node++)
        {
            bool categorical = Bcmf.Graph.Nodes[node].Kind == VariableKind.Categorical;
            Tensor expected;
            using (GradMode.Disable())
            {
                expected = layers[categorical ? "k2" : "continuous"].Forward(tokens.Select(1, node));
                if (categorical) expected = expected.Softmax(-1);
            }
            Assert.True(Nets.MaxAbsDiff(expected, flat.Narrow(1, f.Offset(node), f.NodeWidth(node))) < 1e-5, $"node {node}");
        }
    }

    [Theory]
    [InlineData(EmbeddingVariant.Independent, 2 * 2 + 3 * 2 + 2 * 3 * 2 + 2 * 3)]
    [InlineData(EmbeddingVariant.Exchangeable, 4)]
    [InlineData(EmbeddingVariant.Array, 4)]
    public void Node_embedding_table_has_one_row_per_id_and_AE_adds_the_position_code(EmbeddingVariant variant, int rows)
    {
        var model = new GsdmDenoiser(Bcmf.Graph, Nets.Small(variant));
        Assert.Equal([rows, 16], model.NodeEmbedding.Table.Shape);
        Tensor e;
        using (GradMode.Disable()) e = model.NodeEmbedding.Forward();
        var ids = Bcmf.Graph.Embeddings(variant);
        var table = model.NodeEmbedding.Table.ToArray();
        var code = variant == EmbeddingVariant.Array ? ids.SinusoidalCode(16) : new float[Bcmf.Graph.NodeCount * 16];
        var got = e.ToArray();
        for (int node = 0; node < Bcmf.Graph.NodeCount; node++)
            for (int c = 0; c < 16; c++)
                Assert.Equal(table[ids.Id(node) * 16 + c] + code[node * 16 + c], got[node * 16 + c], 6);
    }

    [Fact]
    public void Every_block_takes_the_node_embedding_and_parameters_have_hierarchical_names()
    {
        var model = new GsdmDenoiser(Bcmf.Graph, Nets.Small());
        var names = model.NamedParameters().Select(p => p.Name).ToHashSet();
        foreach (var name in new[] { "temb.dense0.weight", "temb.dense1.bias", "input.continuous.weight", "input.k2.weight",
                     "output.continuous.bias", "output.k2.weight", "node_emb.table", "obs_emb",
                     "blocks.0.res.emb_proj.weight", "blocks.1.res.emb_proj.weight", "blocks.1.attn.q.weight", "blocks.0.res.temb_proj.bias" })
            Assert.Contains(name, names);
        Assert.All(model.Blocks.Items, b => Assert.NotNull(b.Res.EmbProj));
        // The node embedding reaches the output through every block: perturbing it changes the prediction.
        var (x, t, mask, values) = Nets.Inputs(Bcmf, 2, 5, DType.F32);
        var before = Nets.Run(model, x, t, mask, values);
        using (GradMode.Disable()) model.NodeEmbedding.Table.CopyFrom(model.NodeEmbedding.Table * 2);
        Assert.True(Nets.MaxAbsDiff(before, Nets.Run(model, x, t, mask, values)) > 1e-3);
    }

    [Fact]
    public void Initialisation_is_seeded()
    {
        var a = new GsdmDenoiser(Bcmf.Graph, Nets.Small(seed: 7)).StateDict();
        var b = new GsdmDenoiser(Bcmf.Graph, Nets.Small(seed: 7)).StateDict();
        var c = new GsdmDenoiser(Bcmf.Graph, Nets.Small(seed: 8)).StateDict();
        Assert.All(a, p => Assert.Equal(p.Value.ToArray(), b[p.Key].ToArray()));
        Assert.Contains(a, p => !p.Value.ToArray().SequenceEqual(c[p.Key].ToArray()));
        var table = a["node_emb.table"].ToArray<double>();
        double mean = table.Average(), sd = Math.Sqrt(table.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(sd, 0.6, 1.4); // N(0, 1), as the reference's var_embs
    }

    [Fact]
    public void Sparse_attention_equals_the_masked_dense_reference_at_the_same_scale()
    {
        var sudoku = new SudokuProblem(2, 2);
        var model = new GsdmDenoiser(sudoku.Graph, Nets.Small(dtype: DType.F64));
        var (x, t, mask, values) = Nets.Inputs(sudoku, 2, 6, DType.F64);
        var sparse = Nets.Run(model, x, t, mask, values);
        model.UseAttention(new MaskedDenseAttention(sudoku.Graph.Attention, scale: 1.0));
        Assert.True(Nets.MaxAbsDiff(sparse, Nets.Run(model, x, t, mask, values)) < 1e-10);
        model.UseAttention(new DenseAttention(scale: 1.0));
        Assert.True(Nets.MaxAbsDiff(sparse, Nets.Run(model, x, t, mask, values)) > 1e-4); // the mask matters
    }

    [Theory]
    [InlineData(AttentionKind.Sparse, typeof(SparseAttention))]
    [InlineData(AttentionKind.Dense, typeof(DenseAttention))]
    [InlineData(AttentionKind.MaskedDense, typeof(MaskedDenseAttention))]
    [InlineData(AttentionKind.Linear, typeof(LinearAttention))]
    public void Every_attention_kind_runs_forward_and_backward(AttentionKind kind, Type type)
    {
        var model = new GsdmDenoiser(Bcmf.Graph, Nets.Small(attention: kind));
        Assert.IsType(type, model.AttentionKernel);
        Assert.All(model.Blocks.Items, b => Assert.Same(model.AttentionKernel, b.Attention.Kernel));
        var (x, t, mask, values) = Nets.Inputs(Bcmf, 2, 7, DType.F32);
        var loss = model.Predict(x, t, mask, values).Square().Sum();
        loss.Backward();
        Assert.True(double.IsFinite(loss.Item()));
        // Every parameter gets a gradient (some nodes are observed, so the observation embedding does too).
        Assert.All(model.NamedParameters(), p => Assert.True(p.Parameter.Grad != null, p.Name));
    }

    [Fact]
    public void Sparse_logits_are_unscaled_by_default_and_the_scale_is_configurable()
    {
        Assert.Equal(1.0, ((SparseAttention)new GsdmDenoiser(Bcmf.Graph, Nets.Small()).AttentionKernel).Scale);
        Assert.Equal(0.25, ((SparseAttention)new GsdmDenoiser(Bcmf.Graph, Nets.Small() with { AttentionScale = 0.25 }).AttentionKernel).Scale);
        Assert.Null(((DenseAttention)new GsdmDenoiser(Bcmf.Graph, Nets.Small(attention: AttentionKind.Dense)).AttentionKernel).Scale);
    }

    [Fact]
    public void The_network_is_a_diffusion_denoiser_in_float32_and_float64()
    {
        var diffusion = GaussianDiffusion.Default();
        foreach (var dtype in new[] { DType.F32, DType.F64 })
        {
            var model = new GsdmDenoiser(Bcmf.Graph, Nets.Small(dtype: dtype));
            var batch = Bcmf.Sample(4, 8);
            var x0 = batch.Data.To(dtype);
            var loss = diffusion.Loss(model, x0, new Generator(1),
                ObservationMaskSamplers.FromFunction((x, _) => batch.ObservedFeatures.To(x.DType)));
            Assert.Equal(dtype, loss.DType);
            Assert.True(loss.Item() > 0 && double.IsFinite(loss.Item()));
        }
    }

    [Fact]
    public void Bad_inputs_and_configs_are_rejected_with_clear_errors()
    {
        var model = new GsdmDenoiser(Bcmf.Graph, Nets.Small());
        var width = Bcmf.Graph.Features.Width;
        var x = Tensor.Zeros([2, width + 1]);
        var e = Assert.Throws<TensorShapeException>(() => model.Predict(x, Tensor.Zeros([2])));
        Assert.Contains($"[batch, {width}]", e.Message);
        Assert.Throws<TensorDTypeException>(() => model.Predict(Tensor.Zeros([2, width], DType.F64), Tensor.Zeros([2], DType.F64)));
        Assert.Throws<TensorShapeException>(() => model.Predict(Tensor.Zeros([2, width]), Tensor.Zeros([3])));
        Assert.Contains("heads", Assert.Throws<ArgumentException>(() => new GsdmDenoiser(Bcmf.Graph, Nets.Small() with { Heads = 3 })).Message);
        Assert.Throws<ArgumentException>(() => new GsdmDenoiser(Bcmf.Graph, Nets.Small() with { Blocks = 0 }));
        Assert.Throws<ArgumentException>(() => new GsdmDenoiser(Bcmf.Graph, Nets.Small() with { AttentionScale = -1 }));
    }
}
