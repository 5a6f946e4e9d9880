namespace GsdmCore.Diffusion;

/// <summary>
/// A permutation of a compiled graph's nodes: node i moves to position <see cref="Image"/>(i). Made by
/// <see cref="CompiledGraph.Permutation(string, Func{NodeRef, NodeRef}, string)"/> or
/// <see cref="CompiledGraph.PlateTransposition"/>; always a bijection.
/// </summary>
public sealed class NodePermutation
{
    private readonly int[] _images;

    /// <summary>A readable name, e.g. "t: swap 0&lt;-&gt;1".</summary>
    public string Name { get; }

    /// <summary>The report group it belongs to: the plate index, or "custom".</summary>
    public string Group { get; }

    /// <summary>The image of every node.</summary>
    public ReadOnlySpan<int> Images => _images;

    /// <summary>The number of nodes.</summary>
    public int Count => _images.Length;

    internal NodePermutation(string name, string group, int[] images, string model)
    {
        var hit = new bool[images.Length];
        for (int i = 0; i < images.Length; i++)
        {
            int j = images[i];
            if ((uint)j >= (uint)images.Length)
                throw new GraphSpecException(GraphSpecError.InvalidPermutation, $"model '{model}': permutation '{name}' sends node {i} to {j}, outside 0..{images.Length - 1}.");
            if (hit[j])
                throw new GraphSpecException(GraphSpecError.InvalidPermutation, $"model '{model}': permutation '{name}' sends two nodes to node {j}; it must be a bijection.");
            hit[j] = true;
        }
        Name = name;
        Group = group;
        _images = images;
    }

    /// <summary>The image of node <paramref name="node"/>.</summary>
    public int Image(int node) => _images[node];

    /// <summary>The inverse permutation.</summary>
    public int[] Inverse()
    {
        var inverse = new int[_images.Length];
        for (int i = 0; i < _images.Length; i++) inverse[_images[i]] = i;
        return inverse;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
