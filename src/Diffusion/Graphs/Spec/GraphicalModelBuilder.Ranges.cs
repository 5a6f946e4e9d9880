namespace GsdmCore.Diffusion;

public sealed partial class GraphicalModelBuilder
{
    /// <summary>
    /// For every node of <paramref name="source"/>, adds an undirected edge to each node that
    /// <paramref name="neighbours"/> returns for it, e.g. <c>m.ConnectEach(k, x => [a[x["t"], x["m"]], r[x["t"], x["n"]]])</c>.
    /// </summary>
    public GraphicalModelBuilder ConnectEach(VariableArray source, Func<NodeRef, IEnumerable<NodeRef>> neighbours)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        RequireArray(source, "ConnectEach");
        foreach (var node in source.Nodes)
            foreach (var other in neighbours(node))
                Edge(node, other);
        return this;
    }

    /// <summary>
    /// For every node of <paramref name="child"/>, adds a directed edge from each node that <paramref name="parents"/>
    /// returns for it (parent → child).
    /// </summary>
    public GraphicalModelBuilder ConnectParents(VariableArray child, Func<NodeRef, IEnumerable<NodeRef>> parents)
    {
        ArgumentNullException.ThrowIfNull(parents);
        RequireArray(child, "ConnectParents");
        foreach (var node in child.Nodes)
            foreach (var parent in parents(node))
                DirectedEdge(parent, node);
        return this;
    }

    /// <summary>Adds an undirected edge between every node of <paramref name="first"/> and every node of <paramref name="second"/>.</summary>
    public GraphicalModelBuilder ConnectAll(IEnumerable<NodeRef> first, IEnumerable<NodeRef> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var right = second.ToArray();
        foreach (var a in first)
            foreach (var b in right)
                Edge(a, b);
        return this;
    }

    /// <summary>Joins consecutive nodes of <paramref name="nodes"/> with undirected edges (a chain).</summary>
    public GraphicalModelBuilder Chain(IEnumerable<NodeRef> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        NodeRef? previous = null;
        foreach (var node in nodes)
        {
            if (previous is { } p) Edge(p, node);
            else Require(node, "chain");
            previous = node;
        }
        return this;
    }

    /// <summary>
    /// Adds one factor per combination of the values of <paramref name="sharedIndices"/>: the nodes of
    /// <paramref name="array"/> that agree on those indices, e.g. <c>m.FactorsBy(p, "i")</c> makes each row of P a clique.
    /// </summary>
    public GraphicalModelBuilder FactorsBy(VariableArray array, params string[] sharedIndices)
    {
        RequireArray(array, "FactorsBy");
        var dims = sharedIndices.Select(array.DimensionOf).ToArray();
        return FactorsBy(array, node =>
        {
            long key = 0;
            foreach (int d in dims) key = key * array.Dimensions[d].Size + node[d];
            return key;
        });
    }

    /// <summary>
    /// Adds one factor per distinct value of <paramref name="key"/> over the nodes of <paramref name="array"/>, e.g.
    /// Sudoku blocks: <c>m.FactorsBy(cell, c => (c["row"] / 3, c["col"] / 3))</c>. Factors come in order of first appearance.
    /// </summary>
    public GraphicalModelBuilder FactorsBy<TKey>(VariableArray array, Func<NodeRef, TKey> key) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(key);
        RequireArray(array, "FactorsBy");
        var groups = new Dictionary<TKey, List<NodeRef>>();
        var order = new List<TKey>();
        foreach (var node in array.Nodes)
        {
            var k = key(node);
            if (!groups.TryGetValue(k, out var list))
            {
                groups[k] = list = [];
                order.Add(k);
            }
            list.Add(node);
        }
        foreach (var k in order) Factor(groups[k]);
        return this;
    }
}
