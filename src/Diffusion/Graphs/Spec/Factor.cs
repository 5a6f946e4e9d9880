namespace GsdmCore.Diffusion;

/// <summary>A factor (clique): every pair of its nodes may attend to each other.</summary>
public sealed class Factor
{
    /// <summary>The factor's nodes, without duplicates, in the order given.</summary>
    public IReadOnlyList<NodeRef> Nodes { get; }

    internal Factor(NodeRef[] nodes) => Nodes = nodes;

    /// <inheritdoc />
    public override string ToString() => $"factor({string.Join(", ", Nodes)})";
}
