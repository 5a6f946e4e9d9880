namespace GsdmCore.Diffusion;

/// <summary>
/// Fluent builder of a graphical model: declare arrays (<see cref="Continuous"/>, <see cref="Categorical"/>), mark
/// their roles, join nodes with edges and factors (one at a time or over whole index ranges, see
/// <c>GraphicalModelBuilder.Ranges.cs</c>), declare plates, then <see cref="Build"/> (or <see cref="Compile"/>).
/// Every mistake is rejected at once with a <see cref="GraphSpecException"/> naming the model and the node or array.
/// </summary>
/// <example>
/// <code>
/// var m = new GraphicalModelBuilder("bcmf");
/// var r = m.Categorical("R", 2, ("t", 3), ("n", 4));
/// var a = m.Continuous("A", ("t", 3), ("m", 4));
/// var e = m.Continuous("E", ("n", 4), ("m", 4)).Observed();
/// m.ConnectEach(e, en => Enumerable.Range(0, 3).SelectMany(t => new[] { a[t, en["m"]], r[t, en["n"]] }));
/// m.Plate("t", r, a);
/// CompiledGraph g = m.Compile();
/// </code>
/// </example>
public sealed partial class GraphicalModelBuilder
{
    private readonly List<VariableArray> _arrays = [];
    private readonly Dictionary<string, VariableArray> _byName = new(StringComparer.Ordinal);
    private readonly List<GraphEdge> _edges = [];
    private readonly List<Factor> _factors = [];
    private readonly List<Plate> _plates = [];
    private GraphicalModel? _built;

    /// <summary>The model's name (used in messages and reports).</summary>
    public string Name { get; }

    /// <summary>Starts an empty model called <paramref name="name"/>.</summary>
    public GraphicalModelBuilder(string name)
    {
        ValidateName(name, "model", "(unnamed)");
        Name = name;
    }

    /// <summary>The arrays declared so far, in declaration order (which is the compiled node order).</summary>
    public IReadOnlyList<VariableArray> Arrays => _arrays;

    /// <summary>Declares an array of continuous variables with the given named index dimensions (none: one scalar).</summary>
    public VariableArray Continuous(string name, params (string Name, int Size)[] dimensions) =>
        AddArray(name, VariableKind.Continuous, 0, dimensions);

    /// <summary>Declares an array of categorical variables with <paramref name="classes"/> classes (K ≥ 2).</summary>
    public VariableArray Categorical(string name, int classes, params (string Name, int Size)[] dimensions)
    {
        if (classes < 2)
            throw new GraphSpecException(GraphSpecError.InvalidClasses,
                $"model '{Name}': categorical array '{name}' needs K >= 2 classes, got K = {classes}; use Continuous for a real value.");
        return AddArray(name, VariableKind.Categorical, classes, dimensions);
    }

    /// <summary>The array called <paramref name="name"/>.</summary>
    /// <exception cref="GraphSpecException">No array has that name.</exception>
    public VariableArray Array(string name) =>
        _byName.TryGetValue(name, out var array) ? array
            : throw new GraphSpecException(GraphSpecError.UnknownArray,
                $"model '{Name}': no array named '{name}'; arrays are [{string.Join(", ", _arrays.Select(a => a.Name))}].");

    /// <summary>The node <c>array[index]</c>, looked up by array name.</summary>
    public NodeRef Node(string array, params int[] index) => Array(array)[index];

    /// <summary>Joins <paramref name="a"/> and <paramref name="b"/> with an undirected edge (a self-edge is ignored).</summary>
    public GraphicalModelBuilder Edge(NodeRef a, NodeRef b) => AddEdge(a, b, directed: false);

    /// <summary>Adds the directed edge <paramref name="from"/> → <paramref name="to"/> (a self-edge is ignored).</summary>
    public GraphicalModelBuilder DirectedEdge(NodeRef from, NodeRef to) => AddEdge(from, to, directed: true);

    /// <summary>Adds a factor (clique) over <paramref name="nodes"/>; duplicates are merged.</summary>
    public GraphicalModelBuilder Factor(params NodeRef[] nodes) => Factor((IEnumerable<NodeRef>)nodes);

    /// <summary>Adds a factor (clique) over <paramref name="nodes"/>; duplicates are merged.</summary>
    public GraphicalModelBuilder Factor(IEnumerable<NodeRef> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ThrowIfFrozen("add a factor");
        var list = new List<NodeRef>();
        var seen = new HashSet<NodeRef>();
        foreach (var node in nodes)
        {
            Require(node, "factor");
            if (seen.Add(node)) list.Add(node);
        }
        if (list.Count == 0)
            throw new GraphSpecException(GraphSpecError.EmptyFactor, $"model '{Name}': a factor needs at least one node, got none.");
        _factors.Add(new Factor(list.ToArray()));
        return this;
    }

    /// <summary>
    /// Declares a plate over index <paramref name="index"/> of <paramref name="arrays"/> (all arrays having an index
    /// of that name when none are listed): the density is invariant to permuting that index's values.
    /// </summary>
    /// <exception cref="GraphSpecException">No such index, a listed array lacks it, sizes differ, or the plate exists.</exception>
    public GraphicalModelBuilder Plate(string index, params VariableArray[] arrays)
    {
        ThrowIfFrozen($"add plate '{index}'");
        if (_plates.Any(p => p.Index == index))
            throw new GraphSpecException(GraphSpecError.DuplicatePlate, $"model '{Name}': plate '{index}' is declared twice.");
        VariableArray[] covered;
        if (arrays is null || arrays.Length == 0)
        {
            covered = _arrays.Where(a => a.TryDimensionOf(index) >= 0).ToArray();
            if (covered.Length == 0)
                throw new GraphSpecException(GraphSpecError.UnknownPlateIndex,
                    $"model '{Name}': plate '{index}' names an index that no array has; indices in use are [{string.Join(", ", _arrays.SelectMany(a => a.Dimensions).Select(d => d.Name).Distinct())}].");
        }
        else
        {
            foreach (var array in arrays)
            {
                RequireArray(array, $"plate '{index}'");
                if (array.TryDimensionOf(index) < 0)
                    throw new GraphSpecException(GraphSpecError.UnknownPlateIndex,
                        $"model '{Name}': plate '{index}' covers array '{array.Name}', which has no index '{index}' (its indices: {string.Join(", ", array.Dimensions.Select(d => d.Name))}).");
            }
            covered = arrays.Distinct().ToArray();
        }
        int size = covered[0].Dimensions[covered[0].DimensionOf(index)].Size;
        foreach (var array in covered)
        {
            int s = array.Dimensions[array.DimensionOf(index)].Size;
            if (s != size)
                throw new GraphSpecException(GraphSpecError.PlateSizeMismatch,
                    $"model '{Name}': plate '{index}' has size {size} in '{covered[0].Name}' but {s} in '{array.Name}'.");
        }
        _plates.Add(new Plate(index, size, covered));
        return this;
    }

    /// <summary>Freezes the specification and returns it. Later calls return the same model.</summary>
    public GraphicalModel Build() => _built ??= new GraphicalModel(Name, _arrays.ToArray(), _edges.ToArray(), _factors.ToArray(), _plates.ToArray());

    /// <summary>Builds the model and compiles it (node order, feature layout, attention, embeddings).</summary>
    public CompiledGraph Compile() => Build().Compile();

    private VariableArray AddArray(string name, VariableKind kind, int classes, (string Name, int Size)[] dimensions)
    {
        ThrowIfFrozen($"add array '{name}'");
        ValidateName(name, "array", Name);
        if (_byName.ContainsKey(name))
            throw new GraphSpecException(GraphSpecError.DuplicateArray, $"model '{Name}': an array named '{name}' already exists.");
        dimensions ??= [];
        var dims = new IndexDimension[dimensions.Length];
        for (int d = 0; d < dimensions.Length; d++)
        {
            var (dimName, size) = dimensions[d];
            ValidateName(dimName, $"index of array '{name}'", Name);
            if (size < 1)
                throw new GraphSpecException(GraphSpecError.EmptyArray,
                    $"model '{Name}': array '{name}' has index '{dimName}' of size {size}; every index needs size >= 1 (an array cannot be empty).");
            for (int e = 0; e < d; e++)
                if (dims[e].Name == dimName)
                    throw new GraphSpecException(GraphSpecError.DuplicateIndexName, $"model '{Name}': array '{name}' names index '{dimName}' twice.");
            dims[d] = new IndexDimension(dimName, size);
        }
        var array = new VariableArray(this, name, kind, classes, dims);
        _arrays.Add(array);
        _byName.Add(name, array);
        return array;
    }

    private GraphicalModelBuilder AddEdge(NodeRef a, NodeRef b, bool directed)
    {
        ThrowIfFrozen("add an edge");
        Require(a, directed ? $"edge {a} -> {b}" : $"edge {a} -- {b}");
        Require(b, directed ? $"edge {a} -> {b}" : $"edge {a} -- {b}");
        if (a != b) _edges.Add(new GraphEdge(a, b, directed));
        return this;
    }

    internal void Require(NodeRef node, string context)
    {
        if (node.IsDefault)
            throw new GraphSpecException(GraphSpecError.UnknownNode, $"model '{Name}': {context} uses default(NodeRef), which names no node; index an array instead.");
        if (!ReferenceEquals(node.Array.Owner, this) || !_byName.TryGetValue(node.Array.Name, out var mine) || !ReferenceEquals(mine, node.Array))
            throw new GraphSpecException(GraphSpecError.UnknownNode,
                $"model '{Name}': {context} uses node {node}, whose array '{node.Array.Name}' is not an array of this model (declared by model '{node.Array.Owner.Name}').");
    }

    private void RequireArray(VariableArray array, string context)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (!ReferenceEquals(array.Owner, this) || !_byName.TryGetValue(array.Name, out var mine) || !ReferenceEquals(mine, array))
            throw new GraphSpecException(GraphSpecError.UnknownArray,
                $"model '{Name}': {context} uses array '{array.Name}', which is not an array of this model.");
    }

    internal void ThrowIfFrozen(string action)
    {
        if (_built is not null)
            throw new GraphSpecException(GraphSpecError.ModelFrozen, $"model '{Name}' is already built; cannot {action}. Start a new GraphicalModelBuilder.");
    }

    private static void ValidateName(string name, string what, string model)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => char.IsWhiteSpace(c) || c is '[' or ']' or ',' or ':' or '(' or ')'))
            throw new GraphSpecException(GraphSpecError.InvalidName,
                $"model '{model}': {what} name '{name}' is invalid; use a non-empty name without spaces, brackets, commas or colons.");
    }
}
