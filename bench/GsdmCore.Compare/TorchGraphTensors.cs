using GsdmCore.Diffusion;
using static TorchSharp.torch;

namespace GsdmCore.Compare;

using Tensor = TorchSharp.torch.Tensor;

/// <summary>A list of positions along an axis: a free narrow when they are a contiguous run, an index_select otherwise (as GsdmCore does).</summary>
internal sealed class TorchSelection(int start, int length, Tensor? index)
{
    public static TorchSelection Of(IReadOnlyList<int> positions)
    {
        bool run = positions.Count > 0;
        for (int i = 1; i < positions.Count && run; i++) run = positions[i] == positions[0] + i;
        return run ? new TorchSelection(positions[0], positions.Count, null)
            : new TorchSelection(0, positions.Count, tensor(positions.Select(p => (long)p).ToArray()));
    }

    public Tensor Apply(Tensor x, int axis) =>
        index is not null ? x.index_select(axis, index)
        : start == 0 && length == x.shape[axis] ? x : x.narrow(axis, start, length);

    public bool IsIdentity(long size) => index is null && start == 0 && length == size;
}

/// <summary>Everything the TorchSharp network needs from a compiled graph, as torch index tensors.</summary>
internal sealed class TorchGraphTensors
{
    public required (FeatureGroup Group, string Name, TorchSelection Columns, TorchSelection Nodes)[] Groups { get; init; }
    public required TorchSelection NodeOrder { get; init; }
    public required TorchSelection FeatureOrder { get; init; }
    public required Tensor NodeFirstColumns { get; init; }
    public required Tensor EmbeddingIds { get; init; }
    public required int EmbeddingCount { get; init; }
    public required int Nodes { get; init; }
    public required int Width { get; init; }
    /// <summary>Padded key index [nodes * maxKeys] (flattened) for the gather path.</summary>
    public required Tensor GatherIndex { get; init; }
    /// <summary>True where a padded slot holds no key [nodes, maxKeys].</summary>
    public required Tensor GatherInvalid { get; init; }
    public required int MaxKeys { get; init; }
    /// <summary>True where the dense [nodes, nodes] mask forbids attention.</summary>
    public required Tensor DenseForbidden { get; init; }
    /// <summary>Number of allowed (query, key) pairs.</summary>
    public required long Edges { get; init; }

    /// <summary>Builds the tensors; <paramref name="allPairs"/> replaces the graph's structure by full attention.</summary>
    public static TorchGraphTensors Build(CompiledGraph graph, EmbeddingVariant variant, bool allPairs)
    {
        int n = graph.NodeCount;
        var keys = new List<int>[n];
        var rp = graph.Attention.RowPointers;
        var cols = graph.Attention.Columns;
        for (int i = 0; i < n; i++)
            keys[i] = allPairs ? Enumerable.Range(0, n).ToList() : cols[rp[i]..rp[i + 1]].ToArray().ToList();
        int maxKeys = keys.Max(k => k.Count);
        var index = new long[n * maxKeys];
        var invalid = new bool[n * maxKeys];
        var forbidden = new bool[n * n];
        Array.Fill(forbidden, true);
        for (int i = 0; i < n; i++)
            for (int s = 0; s < maxKeys; s++)
            {
                bool ok = s < keys[i].Count;
                index[i * maxKeys + s] = ok ? keys[i][s] : 0;
                invalid[i * maxKeys + s] = !ok;
                if (ok) forbidden[i * n + keys[i][s]] = false;
            }
        var groups = graph.Features.Groups;
        var concatOrder = groups.SelectMany(g => g.Nodes).ToArray();
        var nodePosition = new int[concatOrder.Length];
        for (int p = 0; p < concatOrder.Length; p++) nodePosition[concatOrder[p]] = p;
        var concatColumns = groups.SelectMany(g => g.Columns).ToArray();
        var columnPosition = new int[concatColumns.Length];
        for (int p = 0; p < concatColumns.Length; p++) columnPosition[concatColumns[p]] = p;
        var embeddings = graph.Embeddings(variant);
        if (variant == EmbeddingVariant.Array && embeddings.PositionRank > 0)
            throw new NotSupportedException("the torch network implements IE and EE node embeddings only.");
        return new TorchGraphTensors
        {
            Groups = groups.Select(g => (g, g.Kind == VariableKind.Continuous ? "continuous" : $"k{g.Classes}",
                TorchSelection.Of(g.Columns), TorchSelection.Of(g.Nodes))).ToArray(),
            NodeOrder = TorchSelection.Of(nodePosition),
            FeatureOrder = TorchSelection.Of(columnPosition),
            NodeFirstColumns = tensor(graph.Features.Offsets.ToArray().Select(o => (long)o).ToArray()),
            EmbeddingIds = tensor(embeddings.Ids.ToArray().Select(i => (long)i).ToArray()),
            EmbeddingCount = Math.Max(embeddings.Count, 1),
            Nodes = n,
            Width = graph.Features.Width,
            GatherIndex = tensor(index),
            GatherInvalid = tensor(invalid, [n, maxKeys]),
            MaxKeys = maxKeys,
            DenseForbidden = tensor(forbidden, [n, n]),
            Edges = keys.Sum(k => (long)k.Count),
        };
    }
}
