namespace GsdmCore.Diffusion;

/// <summary>One node of a compiled graph, at position <see cref="Id"/> of the fixed node order.</summary>
/// <param name="Id">Position in the node order (arrays in declaration order, each in row-major order).</param>
/// <param name="Array">The array the node belongs to.</param>
/// <param name="Index">The node's multi-index in its array.</param>
public sealed record CompiledNode(int Id, VariableArray Array, IReadOnlyList<int> Index)
{
    /// <summary>Continuous or categorical.</summary>
    public VariableKind Kind => Array.Kind;

    /// <summary>K for a categorical node, 0 for a continuous one.</summary>
    public int Classes => Array.Classes;

    /// <summary>Observed by default, latent or intermediate.</summary>
    public VariableRole Role => Array.Role;

    /// <summary>Features of the node in the flat per-datum vector (1 or K).</summary>
    public int Width => Array.NodeWidth;

    /// <summary>The node written as <c>Name[i,j]</c>.</summary>
    public string Name => Array.Rank == 0 ? Array.Name : $"{Array.Name}[{string.Join(",", Index)}]";

    /// <inheritdoc />
    public override string ToString() => $"#{Id} {Name}";
}
