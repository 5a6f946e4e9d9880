namespace GsdmCore.Diffusion;

/// <summary>
/// An edge of the graphical model. Directed edges keep their direction for documentation; the attention structure
/// joins the two nodes either way.
/// </summary>
/// <param name="From">The parent (or one end of an undirected edge).</param>
/// <param name="To">The child (or the other end).</param>
/// <param name="Directed">Whether the edge is directed.</param>
public readonly record struct GraphEdge(NodeRef From, NodeRef To, bool Directed)
{
    /// <inheritdoc />
    public override string ToString() => $"{From} {(Directed ? "->" : "--")} {To}";
}
