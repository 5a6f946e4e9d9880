using GsdmCore.Nn;

namespace GsdmCore.Diffusion;

/// <summary>
/// A graphical model compiled for the GSDM network: the nodes in a fixed order (arrays in declaration order, each
/// row-major), the flat feature layout, the faithful attention structure as a <see cref="SparseGraph"/>, the node
/// embedding ids of the three variants, the default observation mask, and the invariance check of Theorem 3.1.
/// </summary>
public sealed class CompiledGraph
{
    private readonly Dictionary<VariableArray, ArraySlice> _slices;
    private readonly NodeEmbeddings?[] _embeddings = new NodeEmbeddings?[3];
    private SparseGraph? _dense;

    /// <summary>The specification this graph was compiled from.</summary>
    public GraphicalModel Model { get; }

    /// <summary>The nodes in their fixed order.</summary>
    public IReadOnlyList<CompiledNode> Nodes { get; }

    /// <summary>The number of nodes.</summary>
    public int NodeCount => Nodes.Count;

    /// <summary>Where each array lies among the nodes and features, in declaration order.</summary>
    public IReadOnlyList<ArraySlice> Arrays { get; }

    /// <summary>The flat per-datum feature layout.</summary>
    public FeatureLayout Features { get; }

    /// <summary>
    /// The faithful attention structure: node i attends to j when an edge joins them (either direction), when both
    /// belong to one factor, or when i = j. Symmetric, with every self-loop.
    /// </summary>
    public SparseGraph Attention { get; }

    /// <summary>Attention pairs excluding self-loops (each undirected connection counts twice).</summary>
    public int DirectedEdgeCount => Attention.EdgeCount - NodeCount;

    /// <summary>The largest number of keys any query attends to, self included (the reference's m).</summary>
    public int MaxKeys { get; }

    /// <summary>Per node: 1 when its array is observed by default, else 0.</summary>
    public IReadOnlyList<float> ObservedByDefault { get; }

    /// <summary>Per node: 1 when its array is intermediate, else 0.</summary>
    public IReadOnlyList<float> IntermediateNodes { get; }

    internal CompiledGraph(GraphicalModel model)
    {
        Model = model;
        var nodes = new List<CompiledNode>(model.NodeCount);
        var slices = new List<ArraySlice>();
        int feature = 0;
        foreach (var array in model.Arrays)
        {
            slices.Add(new ArraySlice(array, nodes.Count, array.Count, feature, array.Count * array.NodeWidth));
            feature += array.Count * array.NodeWidth;
            foreach (var node in array.Nodes) nodes.Add(new CompiledNode(nodes.Count, array, node.Index));
        }
        Nodes = nodes;
        Arrays = slices;
        _slices = slices.ToDictionary(s => s.Array, ReferenceEqualityComparer.Instance as IEqualityComparer<VariableArray>);
        Features = new FeatureLayout(nodes);
        Attention = BuildAttention();
        MaxKeys = Enumerable.Range(0, NodeCount).Select(Attention.Degree).DefaultIfEmpty(0).Max();
        ObservedByDefault = nodes.Select(n => n.Role == VariableRole.Observed ? 1f : 0f).ToArray();
        IntermediateNodes = nodes.Select(n => n.Role == VariableRole.Intermediate ? 1f : 0f).ToArray();
    }

    private SparseGraph BuildAttention()
    {
        var pairs = new List<(int, int)>();
        foreach (var edge in Model.Edges)
        {
            int a = NodeId(edge.From), b = NodeId(edge.To);
            pairs.Add((a, b));
            pairs.Add((b, a));
        }
        foreach (var factor in Model.Factors)
        {
            var ids = factor.Nodes.Select(NodeId).ToArray();
            foreach (int a in ids)
                foreach (int b in ids)
                    if (a != b) pairs.Add((a, b));
        }
        return SparseGraph.FromEdges(NodeCount, pairs, addSelfLoops: true);
    }

    /// <summary>Every node attending to every node: the "non-sparse" baseline's structure.</summary>
    public SparseGraph DenseAttention()
    {
        if (_dense is not null) return _dense;
        int n = NodeCount;
        var pointers = new int[n + 1];
        var columns = new int[(long)n * n > int.MaxValue ? throw new InvalidOperationException($"{n} nodes are too many for dense attention.") : n * n];
        for (int i = 0; i < n; i++)
        {
            pointers[i + 1] = (i + 1) * n;
            for (int j = 0; j < n; j++) columns[i * n + j] = j;
        }
        return _dense = new SparseGraph(n, pointers, columns);
    }

    /// <summary>The id of <paramref name="node"/> in the node order.</summary>
    /// <exception cref="GraphSpecException">The node is not a node of this model.</exception>
    public int NodeId(NodeRef node)
    {
        if (node.IsDefault || !_slices.TryGetValue(node.Array, out var slice))
            throw new GraphSpecException(GraphSpecError.UnknownNode, $"model '{Model.Name}': node {node} is not a node of this model.");
        return slice.FirstNode + node.Offset;
    }

    /// <summary>The spec node behind node id <paramref name="id"/>.</summary>
    public NodeRef NodeRefOf(int id) => Nodes[id].Array.At(id - _slices[Nodes[id].Array].FirstNode);

    /// <summary>Where <paramref name="array"/> lies among the nodes and features.</summary>
    public ArraySlice Slice(VariableArray array) =>
        _slices.TryGetValue(array, out var slice) ? slice
            : throw new GraphSpecException(GraphSpecError.UnknownArray, $"model '{Model.Name}': array '{array.Name}' is not an array of this model.");

    /// <summary>Where the array called <paramref name="name"/> lies among the nodes and features.</summary>
    public ArraySlice Slice(string name) => Slice(Model.Array(name));

    /// <summary>The embedding ids (and AE positions) of every node under <paramref name="variant"/> (cached).</summary>
    public NodeEmbeddings Embeddings(EmbeddingVariant variant) =>
        _embeddings[(int)variant] ??= NodeEmbeddings.Build(variant, Nodes, Arrays);

    /// <summary>
    /// Checks Theorem 3.1 for every plate (adjacent transpositions of its index values, which generate all its
    /// permutations) and for <paramref name="extra"/> permutations: does each map the attention mask onto itself,
    /// keep embeddings and node types, and so leave the modelled distribution invariant?
    /// </summary>
    public InvarianceReport CheckInvariance(EmbeddingVariant variant, IEnumerable<NodePermutation>? extra = null)
    {
        var permutations = Model.Plates.SelectMany(p => PlateGenerators(p.Index)).ToList();
        if (extra is not null) permutations.AddRange(extra);
        return InvarianceChecker.Check(this, variant, permutations);
    }

    /// <summary>The node permutation that swaps values <paramref name="a"/> and <paramref name="b"/> of plate <paramref name="index"/>.</summary>
    public NodePermutation PlateTransposition(string index, int a, int b)
    {
        var plate = Model.Plate(index);
        if ((uint)a >= (uint)plate.Size || (uint)b >= (uint)plate.Size)
            throw new GraphSpecException(GraphSpecError.IndexOutOfRange, $"model '{Model.Name}': plate '{index}' has values 0..{plate.Size - 1}, cannot swap {a} and {b}.");
        var covered = new HashSet<VariableArray>(plate.Arrays, ReferenceEqualityComparer.Instance as IEqualityComparer<VariableArray>);
        return Permutation($"{index}: swap {a}<->{b}", node =>
        {
            if (!covered.Contains(node.Array)) return node;
            int d = node.Array.DimensionOf(index);
            var idx = node.Index;
            idx[d] = idx[d] == a ? b : idx[d] == b ? a : idx[d];
            return node.Array[idx];
        }, group: index);
    }

    /// <summary>The adjacent transpositions (v, v+1) of plate <paramref name="index"/>: generators of all its permutations.</summary>
    public IReadOnlyList<NodePermutation> PlateGenerators(string index)
    {
        var plate = Model.Plate(index);
        return Enumerable.Range(0, plate.Size - 1).Select(v => PlateTransposition(index, v, v + 1)).ToArray();
    }

    /// <summary>
    /// A node permutation given as a map from each node to its image; it must be a bijection of this model's nodes.
    /// <paramref name="group"/> labels the row group in reports (default: "custom").
    /// </summary>
    public NodePermutation Permutation(string name, Func<NodeRef, NodeRef> map, string group = "custom")
    {
        ArgumentNullException.ThrowIfNull(map);
        var images = new int[NodeCount];
        for (int i = 0; i < NodeCount; i++) images[i] = NodeId(map(NodeRefOf(i)));
        return new NodePermutation(name, group, images, Model.Name);
    }

    /// <summary>A node permutation given as node ids: node i moves to <paramref name="images"/>[i].</summary>
    public NodePermutation Permutation(string name, int[] images, string group = "custom")
    {
        if (images.Length != NodeCount)
            throw new GraphSpecException(GraphSpecError.InvalidPermutation, $"model '{Model.Name}': permutation '{name}' has {images.Length} entries, the graph has {NodeCount} nodes.");
        return new NodePermutation(name, group, images.ToArray(), Model.Name);
    }

    /// <summary>Node counts, attention size and feature groups, one line each.</summary>
    public override string ToString() =>
        $"compiled '{Model.Name}': {NodeCount} nodes, {Features.Width} features, {DirectedEdgeCount} directed edges, max {MaxKeys} keys per query\n  "
        + string.Join("\n  ", Features.Groups);
}
