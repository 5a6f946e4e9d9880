using GsdmCore.Backends;
using GsdmCore.Nn;

namespace GsdmCore.Diffusion;

/// <summary>
/// Maps node tokens [B, nodes, d] back to a flat datum [B, width]: one Linear(d -> width) per feature group (d -> 1 for
/// continuous nodes, d -> K for categorical nodes with K classes, followed by a softmax over the K classes, as the
/// reference's <c>softmax: true</c>), one matmul per group; the groups' columns are then put in feature order.
/// </summary>
public sealed class OutputProjection : Module
{
    private readonly (FeatureGroup Group, Linear Projection, NodeSelection Nodes)[] _groups;
    private readonly Tensor? _featureOrder;

    /// <summary>Creates one projection per feature group of <paramref name="graph"/>.</summary>
    public OutputProjection(CompiledGraph graph, int dim, Generator generator, DType dtype = DType.F32)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var groups = graph.Features.Groups;
        _groups = groups.Select(g => (g, RegisterModule(InputProjection.GroupName(g), new Linear(dim, g.Width, generator, dtype: dtype)), NodeSelection.Of(g.Nodes))).ToArray();
        var concatColumns = groups.SelectMany(g => g.Columns).ToArray();
        var position = new int[concatColumns.Length];
        for (int p = 0; p < concatColumns.Length; p++) position[concatColumns[p]] = p;
        _featureOrder = NodeSelection.Of(position).Index;
    }

    /// <summary>The flat prediction [B, width] from tokens <paramref name="tokens"/> [B, nodes, d].</summary>
    public Tensor Forward(Tensor tokens)
    {
        int b = tokens.Dim(0);
        var parts = new Tensor[_groups.Length];
        for (int i = 0; i < _groups.Length; i++)
        {
            var (group, projection, nodes) = _groups[i];
            var y = projection.Forward(nodes.Select(tokens, 1));
            if (group.Kind == VariableKind.Categorical) y = y.Softmax(-1);
            parts[i] = y.Reshape(b, group.Nodes.Count * group.Width);
        }
        var flat = parts.Length == 1 ? parts[0] : Tensor.Concat(parts, 1);
        return _featureOrder is null ? flat : flat.IndexSelect(1, _featureOrder);
    }
}
