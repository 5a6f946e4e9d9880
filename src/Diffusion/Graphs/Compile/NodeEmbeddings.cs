namespace GsdmCore.Diffusion;

/// <summary>
/// Which learned embedding each node uses under one <see cref="EmbeddingVariant"/>: an id per node
/// (<see cref="Ids"/>, <see cref="Count"/> distinct ids) and, for the array variant, the node's integer index per
/// dimension (<see cref="Positions"/>, padded with 0 to <see cref="PositionRank"/> dimensions). The embedding
/// module itself belongs to the denoiser; <see cref="SinusoidalCode"/> gives the fixed AE position code.
/// </summary>
public sealed class NodeEmbeddings
{
    /// <summary>The max period of the AE position code (the reference uses 1000).</summary>
    public const double PositionMaxPeriod = 1000.0;

    private readonly int[] _ids;
    private readonly int[] _positions;

    /// <summary>The variant these ids belong to.</summary>
    public EmbeddingVariant Variant { get; }

    /// <summary>The embedding id of each node, in 0 .. Count - 1.</summary>
    public ReadOnlySpan<int> Ids => _ids;

    /// <summary>The number of distinct learned embeddings.</summary>
    public int Count { get; }

    /// <summary>Position dimensions per node: the largest array rank under <see cref="EmbeddingVariant.Array"/>, else 0.</summary>
    public int PositionRank { get; }

    /// <summary>Row-major <c>[nodes, PositionRank]</c> integer indices (AE only; empty otherwise).</summary>
    public ReadOnlySpan<int> Positions => _positions;

    internal NodeEmbeddings(EmbeddingVariant variant, int[] ids, int positionRank, int[] positions)
    {
        Variant = variant;
        _ids = ids;
        Count = ids.Length == 0 ? 0 : ids.Max() + 1;
        PositionRank = positionRank;
        _positions = positions;
    }

    /// <summary>The embedding id of node <paramref name="node"/>.</summary>
    public int Id(int node) => _ids[node];

    /// <summary>The index of node <paramref name="node"/> along position dimension <paramref name="dimension"/> (AE).</summary>
    public int Position(int node, int dimension) => _positions[node * PositionRank + dimension];

    /// <summary>True when nodes <paramref name="a"/> and <paramref name="b"/> get identical embeddings (same id and, for AE, same position).</summary>
    public bool SameEmbedding(int a, int b)
    {
        if (_ids[a] != _ids[b]) return false;
        for (int d = 0; d < PositionRank; d++)
            if (_positions[a * PositionRank + d] != _positions[b * PositionRank + d]) return false;
        return true;
    }

    /// <summary>The ids as an int32 tensor <c>[nodes]</c>.</summary>
    public Tensor IdTensor() => Tensor.FromArray(_ids.ToArray());

    /// <summary>The positions as an int32 tensor <c>[nodes, PositionRank]</c>.</summary>
    public Tensor PositionTensor() => Tensor.FromArray(_positions.ToArray(), [_ids.Length, PositionRank]);

    /// <summary>
    /// The fixed AE position code, row-major <c>[nodes, d]</c>: each position dimension gets an equal slice of d (the
    /// last slice takes the remainder); a slice of width w holds <c>[sin(p f_k), cos(p f_k)]</c> for
    /// <c>f_k = exp(-k ln(1000) / (w/2 - 1))</c>, k &lt; w/2, zero-padded when w is odd. All zeros when PositionRank is 0.
    /// </summary>
    public float[] SinusoidalCode(int d)
    {
        if (d < 1) throw new ArgumentOutOfRangeException(nameof(d), $"the embedding width must be positive, got {d}.");
        int n = _ids.Length;
        var code = new float[n * d];
        if (PositionRank == 0) return code;
        int slice = d / PositionRank;
        for (int node = 0; node < n; node++)
        {
            int start = 0;
            for (int dim = 0; dim < PositionRank; dim++)
            {
                int w = dim == PositionRank - 1 ? d - slice * (PositionRank - 1) : slice;
                int half = w / 2;
                double step = half > 1 ? Math.Log(PositionMaxPeriod) / (half - 1) : 0;
                double p = _positions[node * PositionRank + dim];
                for (int k = 0; k < half; k++)
                {
                    double arg = p * Math.Exp(-k * step);
                    code[node * d + start + k] = (float)Math.Sin(arg);
                    code[node * d + start + half + k] = (float)Math.Cos(arg);
                }
                start += w;
            }
        }
        return code;
    }

    /// <summary><see cref="SinusoidalCode"/> as a float32 tensor <c>[nodes, d]</c>.</summary>
    public Tensor SinusoidalCodeTensor(int d) => Tensor.FromArray(SinusoidalCode(d), [_ids.Length, d]);

    internal static NodeEmbeddings Build(EmbeddingVariant variant, IReadOnlyList<CompiledNode> nodes, IReadOnlyList<ArraySlice> arrays)
    {
        int n = nodes.Count;
        var ids = new int[n];
        switch (variant)
        {
            case EmbeddingVariant.Independent:
                for (int i = 0; i < n; i++) ids[i] = i;
                return new NodeEmbeddings(variant, ids, 0, []);
            case EmbeddingVariant.Array:
            {
                int rank = arrays.Count == 0 ? 0 : arrays.Max(a => a.Array.Rank);
                var positions = new int[n * rank];
                for (int a = 0; a < arrays.Count; a++)
                    for (int k = 0; k < arrays[a].NodeCount; k++)
                    {
                        int node = arrays[a].FirstNode + k;
                        ids[node] = a;
                        var index = nodes[node].Index;
                        for (int d = 0; d < index.Count; d++) positions[node * rank + d] = index[d];
                    }
                return new NodeEmbeddings(variant, ids, rank, positions);
            }
            case EmbeddingVariant.Exchangeable:
            {
                int next = 0;
                foreach (var slice in arrays)
                {
                    var group = slice.Array.ExchangeableGroup;
                    if (group is null)
                    {
                        for (int k = 0; k < slice.NodeCount; k++) ids[slice.FirstNode + k] = next;
                        next++;
                        continue;
                    }
                    var seen = new Dictionary<int, int>();
                    for (int k = 0; k < slice.NodeCount; k++)
                    {
                        int key = group(slice.Array.At(k));
                        if (!seen.TryGetValue(key, out int id)) seen[key] = id = next++;
                        ids[slice.FirstNode + k] = id;
                    }
                }
                return new NodeEmbeddings(variant, ids, 0, []);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(variant), variant, "unknown embedding variant.");
        }
    }
}
