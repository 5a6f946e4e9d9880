namespace GsdmCore.Diffusion;

/// <summary>
/// Theorem 3.1, checked exactly: a permutation π of the nodes leaves the GSDM's distribution invariant when it maps
/// the attention mask onto itself (M = πM, compared on the CSR), maps every node to one with the same embedding,
/// and keeps node kinds, K and roles. Every other part of the network is per-token with shared weights.
/// </summary>
public static class InvarianceChecker
{
    /// <summary>One row per permutation, under the embeddings of <paramref name="variant"/>.</summary>
    public static InvarianceReport Check(CompiledGraph graph, EmbeddingVariant variant, IEnumerable<NodePermutation> permutations)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(permutations);
        var embeddings = graph.Embeddings(variant);
        var rows = new List<InvarianceRow>();
        foreach (var pi in permutations)
        {
            if (pi.Count != graph.NodeCount)
                throw new GraphSpecException(GraphSpecError.InvalidPermutation,
                    $"model '{graph.Model.Name}': permutation '{pi.Name}' has {pi.Count} nodes, the graph has {graph.NodeCount}.");
            var detail = new List<string>();
            bool mask = MaskPreserved(graph, pi, detail);
            bool shared = EmbeddingsShared(graph, embeddings, pi, detail);
            bool types = TypesPreserved(graph, pi, detail);
            rows.Add(new InvarianceRow(pi.Group, pi.Name, mask, shared, types, string.Join("; ", detail)));
        }
        return new InvarianceReport(graph.Model.Name, variant, rows);
    }

    /// <summary>True when every attention pair (i, j) maps to an attention pair (π i, π j); π is a bijection, so M = πM.</summary>
    public static bool MaskPreserved(CompiledGraph graph, NodePermutation pi) => MaskPreserved(graph, pi, null);

    private static bool MaskPreserved(CompiledGraph graph, NodePermutation pi, List<string>? detail)
    {
        var attention = graph.Attention;
        var rowPointers = attention.RowPointers;
        var columns = attention.Columns;
        for (int i = 0; i < graph.NodeCount; i++)
        {
            int pi_i = pi.Image(i);
            var imageRow = columns[rowPointers[pi_i]..rowPointers[pi_i + 1]];
            if (imageRow.Length != rowPointers[i + 1] - rowPointers[i])
            {
                detail?.Add($"{graph.Nodes[i].Name} attends to {rowPointers[i + 1] - rowPointers[i]} keys but its image {graph.Nodes[pi_i].Name} to {imageRow.Length}");
                return false;
            }
            for (int e = rowPointers[i]; e < rowPointers[i + 1]; e++)
            {
                int j = columns[e];
                if (imageRow.BinarySearch(pi.Image(j)) < 0)
                {
                    detail?.Add($"{graph.Nodes[i].Name}~{graph.Nodes[j].Name} maps to {graph.Nodes[pi_i].Name}~{graph.Nodes[pi.Image(j)].Name}, not in the mask");
                    return false;
                }
            }
        }
        return true;
    }

    private static bool EmbeddingsShared(CompiledGraph graph, NodeEmbeddings embeddings, NodePermutation pi, List<string> detail)
    {
        for (int i = 0; i < graph.NodeCount; i++)
        {
            int j = pi.Image(i);
            if (embeddings.SameEmbedding(i, j)) continue;
            detail.Add(embeddings.Id(i) != embeddings.Id(j)
                ? $"{graph.Nodes[i].Name} (id {embeddings.Id(i)}) maps to {graph.Nodes[j].Name} (id {embeddings.Id(j)})"
                : $"{graph.Nodes[i].Name} maps to {graph.Nodes[j].Name}: same id, different position code");
            return false;
        }
        return true;
    }

    private static bool TypesPreserved(CompiledGraph graph, NodePermutation pi, List<string> detail)
    {
        for (int i = 0; i < graph.NodeCount; i++)
        {
            CompiledNode a = graph.Nodes[i], b = graph.Nodes[pi.Image(i)];
            if (a.Kind == b.Kind && a.Classes == b.Classes && a.Role == b.Role) continue;
            detail.Add($"{a.Name} ({a.Kind}, K={a.Classes}, {a.Role}) maps to {b.Name} ({b.Kind}, K={b.Classes}, {b.Role})");
            return false;
        }
        return true;
    }
}
