using GsdmCore.Diffusion;

namespace GsdmCore.Problems;

/// <summary>
/// A batch of generated data in the compiled graph's flat layout: <see cref="Data"/> <c>[batch, width]</c> (one-hot
/// for categorical nodes), which nodes are observed (<see cref="ObservedNodes"/> <c>[batch, nodes]</c>) and the same
/// mask per feature (<see cref="ObservedFeatures"/> <c>[batch, width]</c>); all float32 with 0/1 masks.
/// </summary>
public sealed class ProblemBatch
{
    private readonly float[] _data;
    private readonly float[] _observed;

    /// <summary>The graph the layout belongs to.</summary>
    public CompiledGraph Graph { get; }

    /// <summary>The number of data.</summary>
    public int Size { get; }

    /// <summary>The data, <c>[batch, width]</c> float32.</summary>
    public Tensor Data { get; }

    /// <summary>1 where a node is observed, <c>[batch, nodes]</c> float32.</summary>
    public Tensor ObservedNodes { get; }

    /// <summary>1 where a feature belongs to an observed node, <c>[batch, width]</c> float32.</summary>
    public Tensor ObservedFeatures { get; }

    /// <summary>Wraps host arrays (row-major <c>[size, width]</c> data and <c>[size, nodes]</c> node mask) as a batch.</summary>
    public ProblemBatch(CompiledGraph graph, int size, float[] data, float[] observedNodes)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int width = graph.Features.Width, nodes = graph.NodeCount;
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"a batch needs at least one datum, got {size}.");
        if (data.Length != size * width) throw new ArgumentException($"data has {data.Length} values, expected {size} x {width}.", nameof(data));
        if (observedNodes.Length != size * nodes) throw new ArgumentException($"the node mask has {observedNodes.Length} values, expected {size} x {nodes}.", nameof(observedNodes));
        Graph = graph;
        Size = size;
        _data = data;
        _observed = observedNodes;
        var features = new float[size * width];
        for (int b = 0; b < size; b++)
            graph.Features.ExpandNodeMask(observedNodes.AsSpan(b * nodes, nodes)).CopyTo(features.AsSpan(b * width));
        Data = Tensor.FromArray(data, [size, width]);
        ObservedNodes = Tensor.FromArray(observedNodes, [size, nodes]);
        ObservedFeatures = Tensor.FromArray(features, [size, width]);
    }

    /// <summary>The flat data of datum <paramref name="item"/>.</summary>
    public ReadOnlySpan<float> Row(int item) => _data.AsSpan(item * Graph.Features.Width, Graph.Features.Width);

    /// <summary>The node mask of datum <paramref name="item"/>.</summary>
    public ReadOnlySpan<float> ObservedRow(int item) => _observed.AsSpan(item * Graph.NodeCount, Graph.NodeCount);

    /// <summary>Whether node <paramref name="node"/> of datum <paramref name="item"/> is observed.</summary>
    public bool IsObserved(int item, int node) => _observed[item * Graph.NodeCount + node] != 0f;
}
