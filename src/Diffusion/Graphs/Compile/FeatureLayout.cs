namespace GsdmCore.Diffusion;

/// <summary>
/// The flat per-datum vector the network and the diffusion see: node by node in the compiled order, one feature
/// for a continuous node and K (a one-hot vector) for a categorical node. Also groups the nodes by K for the
/// per-K projections, and converts node masks to feature masks.
/// </summary>
public sealed class FeatureLayout
{
    private readonly int[] _offsets;
    private readonly int[] _widths;
    private readonly int[] _featureNode;

    /// <summary>Total features per datum.</summary>
    public int Width { get; }

    /// <summary>Number of nodes.</summary>
    public int NodeCount => _offsets.Length;

    /// <summary>First feature column of each node.</summary>
    public ReadOnlySpan<int> Offsets => _offsets;

    /// <summary>Features of each node (1 or K).</summary>
    public ReadOnlySpan<int> Widths => _widths;

    /// <summary>The node of each feature column.</summary>
    public ReadOnlySpan<int> FeatureNodes => _featureNode;

    /// <summary>The projection groups: the continuous nodes first (if any), then the categorical nodes by ascending K.</summary>
    public IReadOnlyList<FeatureGroup> Groups { get; }

    internal FeatureLayout(IReadOnlyList<CompiledNode> nodes)
    {
        _offsets = new int[nodes.Count];
        _widths = new int[nodes.Count];
        int width = 0;
        for (int i = 0; i < nodes.Count; i++)
        {
            _offsets[i] = width;
            _widths[i] = nodes[i].Width;
            width += _widths[i];
        }
        Width = width;
        _featureNode = new int[width];
        for (int i = 0; i < nodes.Count; i++)
            for (int c = 0; c < _widths[i]; c++) _featureNode[_offsets[i] + c] = i;

        var groups = new List<FeatureGroup>();
        var continuous = nodes.Where(n => n.Kind == VariableKind.Continuous).Select(n => n.Id).ToArray();
        if (continuous.Length > 0) groups.Add(new FeatureGroup(VariableKind.Continuous, 0, 1, continuous, continuous.Select(i => _offsets[i]).ToArray()));
        foreach (var k in nodes.Where(n => n.Kind == VariableKind.Categorical).Select(n => n.Classes).Distinct().Order())
        {
            var ids = nodes.Where(n => n.Kind == VariableKind.Categorical && n.Classes == k).Select(n => n.Id).ToArray();
            var columns = ids.SelectMany(i => Enumerable.Range(_offsets[i], k)).ToArray();
            groups.Add(new FeatureGroup(VariableKind.Categorical, k, k, ids, columns));
        }
        Groups = groups;
    }

    /// <summary>First feature column of node <paramref name="node"/>.</summary>
    public int Offset(int node) => _offsets[node];

    /// <summary>Features of node <paramref name="node"/>.</summary>
    public int NodeWidth(int node) => _widths[node];

    /// <summary>Writes a continuous value into node <paramref name="node"/>'s feature of a flat row.</summary>
    public void WriteValue(Span<float> row, int node, float value)
    {
        if (_widths[node] != 1) throw new ArgumentException($"node {node} is categorical (K={_widths[node]}); use WriteClass.", nameof(node));
        row[_offsets[node]] = value;
    }

    /// <summary>Writes class <paramref name="cls"/> as a one-hot vector into node <paramref name="node"/>'s features.</summary>
    public void WriteClass(Span<float> row, int node, int cls)
    {
        int w = _widths[node];
        if ((uint)cls >= (uint)w || w == 1)
            throw new ArgumentOutOfRangeException(nameof(cls), $"node {node} has {(w == 1 ? "no classes (continuous)" : $"classes 0..{w - 1}")}, got class {cls}.");
        var slice = row.Slice(_offsets[node], w);
        slice.Clear();
        slice[cls] = 1f;
    }

    /// <summary>The continuous value of node <paramref name="node"/> in a flat row.</summary>
    public float ReadValue(ReadOnlySpan<float> row, int node)
    {
        if (_widths[node] != 1) throw new ArgumentException($"node {node} is categorical (K={_widths[node]}); use ReadClass.", nameof(node));
        return row[_offsets[node]];
    }

    /// <summary>The class of node <paramref name="node"/> in a flat row: the argmax of its features (first on ties).</summary>
    public int ReadClass(ReadOnlySpan<float> row, int node)
    {
        var slice = row.Slice(_offsets[node], _widths[node]);
        int best = 0;
        for (int c = 1; c < slice.Length; c++) if (slice[c] > slice[best]) best = c;
        return best;
    }

    /// <summary>Expands a per-node mask (length NodeCount) to a per-feature mask (length Width).</summary>
    public float[] ExpandNodeMask(ReadOnlySpan<float> nodeMask)
    {
        if (nodeMask.Length != NodeCount) throw new ArgumentException($"the node mask has {nodeMask.Length} entries, the graph has {NodeCount} nodes.", nameof(nodeMask));
        var features = new float[Width];
        for (int f = 0; f < Width; f++) features[f] = nodeMask[_featureNode[f]];
        return features;
    }

    /// <summary>Expands a <c>[batch, NodeCount]</c> node-mask tensor to <c>[batch, Width]</c> (a gather along axis 1).</summary>
    public Tensor ExpandNodeMask(Tensor nodeMask)
    {
        if (nodeMask.Rank != 2 || nodeMask.Shape[1] != NodeCount)
            throw new ArgumentException($"expected a [batch, {NodeCount}] node mask, got [{string.Join(", ", nodeMask.Shape)}].", nameof(nodeMask));
        return nodeMask.IndexSelect(1, Tensor.FromArray(_featureNode.ToArray()));
    }
}
