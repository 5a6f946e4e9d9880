namespace GsdmCore.Diffusion;

/// <summary>
/// Nodes that share one input/output projection: all continuous nodes (width 1), or all categorical nodes with the
/// same K (width K). <see cref="Columns"/> lists, node by node, the feature columns of the group's nodes, so a
/// <c>[batch, width]</c> flat tensor gathered with it and reshaped gives <c>[batch, Nodes.Length, Width]</c>.
/// </summary>
public sealed class FeatureGroup
{
    /// <summary>Continuous or categorical.</summary>
    public VariableKind Kind { get; }

    /// <summary>K of a categorical group; 0 for the continuous group.</summary>
    public int Classes { get; }

    /// <summary>Features per node: 1 (continuous) or K.</summary>
    public int Width { get; }

    /// <summary>Node ids of the group, ascending.</summary>
    public IReadOnlyList<int> Nodes { get; }

    /// <summary>Feature columns of the group's nodes, node-major (length Nodes.Count × Width).</summary>
    public IReadOnlyList<int> Columns { get; }

    internal FeatureGroup(VariableKind kind, int classes, int width, int[] nodes, int[] columns)
    {
        Kind = kind;
        Classes = classes;
        Width = width;
        Nodes = nodes;
        Columns = columns;
    }

    /// <summary>The columns as an int32 tensor, ready for <c>IndexSelect(1, ...)</c> on a <c>[batch, width]</c> tensor.</summary>
    public Tensor ColumnTensor() => Tensor.FromArray(Columns.ToArray());

    /// <summary>The node ids as an int32 tensor, ready for <c>IndexSelect</c> on a node axis.</summary>
    public Tensor NodeTensor() => Tensor.FromArray(Nodes.ToArray());

    /// <inheritdoc />
    public override string ToString() =>
        $"{(Kind == VariableKind.Continuous ? "continuous" : $"categorical K={Classes}")}: {Nodes.Count} nodes x {Width}";
}
