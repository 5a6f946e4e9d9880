namespace GsdmCore.Diffusion;

/// <summary>
/// Where one array lies in the compiled graph: its nodes are <c>FirstNode .. FirstNode + NodeCount - 1</c> (row-major)
/// and its features are the contiguous columns <c>FeatureOffset .. FeatureOffset + FeatureWidth - 1</c> of the flat
/// per-datum vector (node-major, <see cref="VariableArray.NodeWidth"/> features per node).
/// </summary>
/// <param name="Array">The array.</param>
/// <param name="FirstNode">Id of its first node.</param>
/// <param name="NodeCount">Number of its nodes.</param>
/// <param name="FeatureOffset">First feature column.</param>
/// <param name="FeatureWidth">Number of feature columns (NodeCount × NodeWidth).</param>
public sealed record ArraySlice(VariableArray Array, int FirstNode, int NodeCount, int FeatureOffset, int FeatureWidth)
{
    /// <summary>The node id of the array's node at row-major position <paramref name="offset"/>.</summary>
    public int NodeId(int offset) => FirstNode + offset;

    /// <summary>The first feature column of the array's node at row-major position <paramref name="offset"/>.</summary>
    public int FeatureColumn(int offset) => FeatureOffset + offset * Array.NodeWidth;
}
