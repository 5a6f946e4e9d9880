using GsdmCore.Backends;
using GsdmCore.Nn;

namespace GsdmCore.Diffusion;

/// <summary>
/// Projects a flat datum [B, width] to node tokens [B, nodes, d]: one Linear(width -> d) per feature group (all
/// continuous nodes share Linear(1, d); all categorical nodes with K classes share Linear(K, d)), applied to the group's
/// columns gathered as [B, nodes_K, K], one matmul per group; the groups' tokens are then put in node order.
/// </summary>
public sealed class InputProjection : Module
{
    private readonly (FeatureGroup Group, Linear Projection, NodeSelection Columns)[] _groups;
    private readonly Tensor? _nodeOrder;

    /// <summary>The token width d.</summary>
    public int Dim { get; }

    /// <summary>Creates one projection per feature group of <paramref name="graph"/>.</summary>
    public InputProjection(CompiledGraph graph, int dim, Generator generator, DType dtype = DType.F32)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Dim = dim;
        var groups = graph.Features.Groups;
        _groups = groups.Select(g => (g, RegisterModule(GroupName(g), new Linear(g.Width, dim, generator, dtype: dtype)), NodeSelection.Of(g.Columns))).ToArray();
        // Position of each node in the concatenation of the groups' tokens.
        var concatOrder = groups.SelectMany(g => g.Nodes).ToArray();
        var position = new int[concatOrder.Length];
        for (int p = 0; p < concatOrder.Length; p++) position[concatOrder[p]] = p;
        _nodeOrder = NodeSelection.Of(position).Index;
    }

    /// <summary>The module name of a group's projection: "continuous" or "k{K}".</summary>
    internal static string GroupName(FeatureGroup group) => group.Kind == VariableKind.Continuous ? "continuous" : $"k{group.Classes}";

    /// <summary>Tokens [B, nodes, d] of the flat data <paramref name="x"/> [B, width].</summary>
    public Tensor Forward(Tensor x)
    {
        int b = x.Dim(0);
        var parts = new Tensor[_groups.Length];
        for (int i = 0; i < _groups.Length; i++)
        {
            var (group, projection, columns) = _groups[i];
            parts[i] = projection.Forward(columns.Select(x, 1).Reshape(b, group.Nodes.Count, group.Width));
        }
        var tokens = parts.Length == 1 ? parts[0] : Tensor.Concat(parts, 1);
        return _nodeOrder is null ? tokens : tokens.IndexSelect(1, _nodeOrder);
    }
}
