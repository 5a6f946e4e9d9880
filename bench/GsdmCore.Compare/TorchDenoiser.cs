using GsdmCore.Diffusion;
using GsdmCore.Nn;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GsdmCore.Compare;

using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// The GSDM denoiser in TorchSharp, layer for layer as <see cref="GsdmDenoiser"/> (papers.md 1.3): per-group input
/// projections, observation embedding, timestep MLP, node embeddings, L x [ResNet block, attention block], per-group
/// output projections with a softmax for categorical groups, observed entries clamped. Tokens are [B, N, d].
/// </summary>
internal sealed class TorchDenoiser
{
    private readonly GsdmDenoiserConfig _config;
    private readonly TorchGraphTensors _g;
    private readonly int _groups;
    private readonly Tensor _frequencies;
    private readonly double _scale;

    public TorchParameters Parameters { get; } = new();
    public TorchAttentionVariant Variant { get; set; }

    public TorchDenoiser(CompiledGraph graph, GsdmDenoiserConfig config, bool allPairs, TorchAttentionVariant variant)
    {
        _config = config;
        Variant = variant;
        _g = TorchGraphTensors.Build(graph, config.Embedding, allPairs);
        int d = config.EmbeddingDim, dh = d / config.Heads;
        _groups = GroupNorm.GroupsFor(d, config.Groups);
        _scale = config.AttentionScale ?? (config.Attention == AttentionKind.Sparse ? 1.0 : 1.0 / Math.Sqrt(dh));
        int half = d / 2;
        double step = -Math.Log(10000.0) / Math.Max(half - 1, 1);
        _frequencies = tensor(Enumerable.Range(0, half).Select(k => (float)Math.Exp(step * k)).ToArray());
        if (d % 2 == 1) throw new NotSupportedException("odd embedding widths are not implemented in the torch network.");

        var p = Parameters;
        p.Linear("temb.dense0", d, d);
        p.Linear("temb.dense1", d, d);
        foreach (var (group, name, _, _) in _g.Groups) p.Linear($"input.{name}", group.Width, d);
        foreach (var (group, name, _, _) in _g.Groups) p.Linear($"output.{name}", d, group.Width);
        p.Add("node_emb.table", randn(_g.EmbeddingCount, d));
        p.Add("obs_emb", randn(d));
        for (int b = 0; b < config.Blocks; b++)
        {
            string r = $"blocks.{b}.res", a = $"blocks.{b}.attn";
            p.Norm($"{r}.norm1", d);
            p.Linear($"{r}.conv1", d, d);
            p.Linear($"{r}.temb_proj", d, d);
            p.Linear($"{r}.emb_proj", d, d);
            p.Norm($"{r}.norm2", d);
            p.Linear($"{r}.conv2", d, d);
            p.Norm($"{a}.norm", d);
            foreach (var x in new[] { "q", "k", "v", "proj_out" }) p.Linear($"{a}.{x}", d, d);
        }
    }

    public TorchGraphTensors Graph => _g;

    /// <summary>When set, forward time per layer type is accumulated here (ms; torch CPU ops run synchronously).</summary>
    public Dictionary<string, double>? Timings { get; set; }

    private Tensor T(string what, Func<Tensor> op)
    {
        if (Timings is null) return op();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var y = op();
        Timings[what] = Timings.GetValueOrDefault(what) + System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return y;
    }

    /// <summary>x_t [B, width] (already clamped), t [B] float, observed mask (bool) and values [B, width] -> x0 prediction [B, width].</summary>
    public Tensor Predict(Tensor xt, Tensor t, Tensor observed, Tensor values)
    {
        var p = Parameters;
        long b = xt.shape[0];
        int d = _config.EmbeddingDim;
        var x = where(observed, values, xt);
        var parts = _g.Groups.Select(e => Linear(e.Columns.Apply(x, 1).reshape(b, e.Group.Nodes.Count, e.Group.Width), $"input.{e.Name}")).ToList();
        var tokens = parts.Count == 1 ? parts[0] : cat(parts, 1);
        if (!_g.NodeOrder.IsIdentity(_g.Nodes)) tokens = _g.NodeOrder.Apply(tokens, 1);
        var observedNodes = observed.index_select(1, _g.NodeFirstColumns).unsqueeze(-1).to_type(ScalarType.Float32);
        tokens = tokens + observedNodes * p["obs_emb"];
        var args = t.unsqueeze(1) * _frequencies.unsqueeze(0);
        var temb = Linear(F.silu(Linear(cat([args.sin(), args.cos()], 1), "temb.dense0")), "temb.dense1");
        var nodeEmbedding = p["node_emb.table"].index_select(0, _g.EmbeddingIds);
        for (int i = 0; i < _config.Blocks; i++)
        {
            tokens = ResNet(tokens, temb, nodeEmbedding, $"blocks.{i}.res");
            tokens = Attention(tokens, $"blocks.{i}.attn", d);
        }
        var outs = new List<Tensor>();
        foreach (var (group, name, _, nodes) in _g.Groups)
        {
            var y = Linear(nodes.Apply(tokens, 1), $"output.{name}");
            if (group.Kind == VariableKind.Categorical) y = y.softmax(-1);
            outs.Add(y.reshape(b, group.Nodes.Count * group.Width));
        }
        var flat = outs.Count == 1 ? outs[0] : cat(outs, 1);
        if (!_g.FeatureOrder.IsIdentity(_g.Width)) flat = _g.FeatureOrder.Apply(flat, 1);
        return where(observed, values, flat);
    }

    private Tensor ResNet(Tensor x, Tensor temb, Tensor nodeEmbedding, string name)
    {
        var h = Norm(x, $"{name}.norm1");
        h = T("silu", () => F.silu(h));
        h = T("linear", () => Linear(h, $"{name}.conv1"));
        var tp = T("linear small", () => Linear(F.silu(temb), $"{name}.temb_proj").unsqueeze(1));
        h = T("elementwise", () => h + tp);
        var ep = T("linear small", () => Linear(nodeEmbedding, $"{name}.emb_proj"));
        h = T("elementwise", () => h + ep);
        h = Norm(h, $"{name}.norm2");
        h = T("silu", () => F.silu(h));
        h = T("linear", () => Linear(h, $"{name}.conv2"));
        return T("elementwise", () => x + h);
    }

    private Tensor Attention(Tensor x, string name, int d)
    {
        long b = x.shape[0], n = x.shape[1];
        int heads = _config.Heads, dh = d / heads;
        var h = Norm(x, $"{name}.norm");
        Tensor Split(string proj) => T("linear", () => Linear(h, $"{name}.{proj}")).view(b, n, heads, dh).permute(0, 2, 1, 3);
        var (q, k, v) = (Split("q"), Split("k"), Split("v"));
        var attended = T("attention", () => TorchAttention.Forward(Variant, _g, q, k, v, _scale));
        var merged = T("reshape", () => attended.permute(0, 2, 1, 3).reshape(b, n, d));
        var o = T("linear", () => Linear(merged, $"{name}.proj_out"));
        return T("elementwise", () => x + o);
    }

    private Tensor Linear(Tensor x, string name) => F.linear(x, Parameters[name + ".weight"], Parameters[name + ".bias"]);

    /// <summary>GroupNorm over [B, N, C] tokens: statistics per item and channel group over all nodes (as GsdmCore).</summary>
    private Tensor Norm(Tensor x, string name) => T("groupnorm", () =>
        F.group_norm(x.permute(0, 2, 1), _groups, Parameters[name + ".weight"], Parameters[name + ".bias"], 1e-5).permute(0, 2, 1));
}
