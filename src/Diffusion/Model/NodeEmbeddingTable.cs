using GsdmCore.Backends;
using GsdmCore.Nn;

namespace GsdmCore.Diffusion;

/// <summary>
/// The learned node embeddings of one <see cref="EmbeddingVariant"/>, as the reference's <c>var_embs</c>: a table
/// [ids, d] initialised N(0, 1) and indexed by each node's id; for AE the id is the node's array and the fixed
/// sinusoidal code of its array index (max period 1000, an equal slice of d per index dimension) is added.
/// </summary>
public sealed class NodeEmbeddingTable : Module
{
    private readonly Tensor _ids;
    private readonly Tensor? _code;

    /// <summary>The variant.</summary>
    public EmbeddingVariant Variant { get; }
    /// <summary>The learned vectors [ids, d].</summary>
    public Tensor Table { get; }
    /// <summary>Number of nodes embedded.</summary>
    public int Nodes { get; }

    /// <summary>Creates the table for <paramref name="graph"/>, drawing it from <paramref name="generator"/>.</summary>
    public NodeEmbeddingTable(CompiledGraph graph, EmbeddingVariant variant, int dim, Generator generator, DType dtype = DType.F32)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var embeddings = graph.Embeddings(variant);
        Variant = variant;
        Nodes = graph.NodeCount;
        Tensor table;
        using (GradMode.Disable())
            table = Tensor.Randn([Math.Max(embeddings.Count, 1), dim], generator, dtype).Detach();
        Table = RegisterParameter("table", table);
        using (TensorScope.Suspend())
        {
            _ids = embeddings.IdTensor();
            if (variant == EmbeddingVariant.Array && embeddings.PositionRank > 0)
                _code = embeddings.SinusoidalCodeTensor(dim).To(dtype);
        }
    }

    /// <summary>The embedding of every node, [nodes, d].</summary>
    public Tensor Forward()
    {
        var e = Table.IndexSelect(0, _ids);
        return _code is null ? e : e + _code;
    }
}
