using GsdmCore.Backends;
using GsdmCore.Nn;

namespace GsdmCore.Diffusion;

/// <summary>
/// The GSDM network (Weilbach et al. 2023, as the reference <c>TransformerModel</c>): the flat datum x_t [B, width] is
/// clamped to the observations, projected per node to tokens [B, nodes, d] (<see cref="InputProjection"/>), the learned
/// observation embedding is added to the tokens of observed nodes, and L blocks of [ResNet block with the timestep and
/// node embeddings, attention over the graph] follow; <see cref="OutputProjection"/> maps the tokens back to an x0
/// prediction (a softmax over the classes of each categorical node), whose observed entries are clamped again.
/// </summary>
/// <example>
/// <code>
/// var problem = new SudokuProblem(2, 2);
/// var model = new GsdmDenoiser(problem.Graph, new GsdmDenoiserConfig { EmbeddingDim = 64, Blocks = 4, Heads = 4, Seed = 1 });
/// var x0 = GaussianDiffusion.Default().PredictX0(model, xt, t, new Observation(mask, values));
/// </code>
/// </example>
public sealed class GsdmDenoiser : Module, IDenoiser
{
    private readonly Tensor _nodeFirstColumns;

    /// <summary>The compiled graph the network is built for.</summary>
    public CompiledGraph Graph { get; }
    /// <summary>The architecture.</summary>
    public GsdmDenoiserConfig Config { get; }
    /// <summary>The attention kernel shared by every block (may be replaced, e.g. to compare kernels on the same weights).</summary>
    public IAttentionKernel AttentionKernel { get; private set; }
    /// <summary>The timestep embedding MLP.</summary>
    public TimestepEmbedder Time { get; }
    /// <summary>The per-group input projections.</summary>
    public InputProjection Input { get; }
    /// <summary>The learned observation embedding [d] (the reference's <c>cond_embs</c>, N(0, 1) at start).</summary>
    public Tensor ObservationEmbedding { get; }
    /// <summary>The learned node embeddings of <see cref="GsdmDenoiserConfig.Embedding"/>.</summary>
    public NodeEmbeddingTable NodeEmbedding { get; }
    /// <summary>The L [ResNet, attention] blocks.</summary>
    public ModuleList<GsdmBlock> Blocks { get; }
    /// <summary>The per-group output projections.</summary>
    public OutputProjection Output { get; }

    /// <summary>Builds the network for <paramref name="graph"/>, with weights drawn from <see cref="GsdmDenoiserConfig.Seed"/>.</summary>
    public GsdmDenoiser(CompiledGraph graph, GsdmDenoiserConfig? config = null)
    {
        Graph = graph ?? throw new ArgumentNullException(nameof(graph));
        Config = config ?? new GsdmDenoiserConfig();
        Config.Validate();
        int d = Config.EmbeddingDim;
        var dtype = Config.DType;
        var generator = new Generator(Config.Seed);
        AttentionKernel = GsdmAttention.Create(Config.Attention, graph, Config.AttentionScale);
        Time = RegisterModule("temb", new TimestepEmbedder(d, generator, dtype));
        Input = RegisterModule("input", new InputProjection(graph, d, generator, dtype));
        Output = RegisterModule("output", new OutputProjection(graph, d, generator, dtype));
        NodeEmbedding = RegisterModule("node_emb", new NodeEmbeddingTable(graph, Config.Embedding, d, generator, dtype));
        Tensor observation;
        using (GradMode.Disable())
            observation = Tensor.Randn([d], generator, dtype).Detach();
        ObservationEmbedding = RegisterParameter("obs_emb", observation);
        var kernel = AttentionKernel;
        Blocks = RegisterModule("blocks", new ModuleList<GsdmBlock>(
            Enumerable.Range(0, Config.Blocks).Select(_ => new GsdmBlock(d, Config.Heads, Config.Groups, kernel, generator, dtype)).ToList()));
        var offsets = graph.Features.Offsets.ToArray();
        using (TensorScope.Suspend())
            _nodeFirstColumns = Tensor.FromArray(offsets);
    }

    /// <summary>Number of nodes (tokens per datum).</summary>
    public int NodeCount => Graph.NodeCount;

    /// <summary>Features per flat datum.</summary>
    public int Width => Graph.Features.Width;

    /// <summary>Uses <paramref name="kernel"/> in every block from now on (the weights are unchanged).</summary>
    public void UseAttention(IAttentionKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        AttentionKernel = kernel;
        foreach (var block in Blocks.Items) block.Attention.Kernel = kernel;
    }

    /// <inheritdoc />
    public Tensor Predict(Tensor xt, Tensor t, Tensor observedMask, Tensor observedValues)
    {
        ArgumentNullException.ThrowIfNull(xt);
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(observedMask);
        ArgumentNullException.ThrowIfNull(observedValues);
        CheckInputs(xt, t, observedMask, observedValues);
        var x = Tensor.Where(observedMask, observedValues, xt);
        var tokens = Input.Forward(x);
        var observedNodes = observedMask.IndexSelect(1, _nodeFirstColumns).Unsqueeze(-1); // [B, N, 1]
        tokens = tokens + observedNodes * ObservationEmbedding;
        var temb = Time.Forward(t);
        var nodeEmbedding = NodeEmbedding.Forward();
        foreach (var block in Blocks.Items) tokens = block.Forward(tokens, temb, nodeEmbedding);
        return Tensor.Where(observedMask, observedValues, Output.Forward(tokens));
    }

    /// <summary>
    /// The prediction with nothing observed: <see cref="Predict(Tensor, Tensor, Tensor, Tensor)"/> with a zero mask (for direct use outside a diffusion).
    /// </summary>
    public Tensor Predict(Tensor xt, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(xt);
        var zeros = xt.ZerosLike();
        return Predict(xt, t, zeros, zeros);
    }

    private void CheckInputs(Tensor xt, Tensor t, Tensor mask, Tensor values)
    {
        if (xt.Rank != 2 || xt.Dim(1) != Width)
            throw new TensorShapeException("gsdm_denoiser", $"x_t must be [batch, {Width}] for graph '{Graph.Model.Name}', got {Layout.Format(xt.Shape)}.");
        if (xt.DType != Config.DType)
            throw new TensorDTypeException("gsdm_denoiser", $"x_t is {xt.DType} but the network was built for {Config.DType}.");
        if (t.Rank != 1 || t.Dim(0) != xt.Dim(0))
            throw new TensorShapeException("gsdm_denoiser", $"t must be [batch] = [{xt.Dim(0)}], got {Layout.Format(t.Shape)}.");
        if (!mask.Shape.AsSpan().SequenceEqual(xt.Shape) || !values.Shape.AsSpan().SequenceEqual(xt.Shape))
            throw new TensorShapeException("gsdm_denoiser", $"the observation mask {Layout.Format(mask.Shape)} and values {Layout.Format(values.Shape)} must match x_t {Layout.Format(xt.Shape)}.");
        if (mask.DType != xt.DType || values.DType != xt.DType)
            throw new TensorDTypeException("gsdm_denoiser", $"the observation mask ({mask.DType}) and values ({values.DType}) must have x_t's dtype {xt.DType}.");
    }
}
