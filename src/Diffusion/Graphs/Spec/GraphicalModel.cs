namespace GsdmCore.Diffusion;

/// <summary>
/// A frozen graphical-model specification: arrays (in node order), edges, factors and plates. Made by
/// <see cref="GraphicalModelBuilder.Build"/>; <see cref="Compile"/> turns it into the network's structure.
/// </summary>
public sealed class GraphicalModel
{
    private CompiledGraph? _compiled;

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>The arrays in declaration order.</summary>
    public IReadOnlyList<VariableArray> Arrays { get; }

    /// <summary>The edges, in the order added.</summary>
    public IReadOnlyList<GraphEdge> Edges { get; }

    /// <summary>The factors (cliques), in the order added.</summary>
    public IReadOnlyList<Factor> Factors { get; }

    /// <summary>The plates, in the order declared.</summary>
    public IReadOnlyList<Plate> Plates { get; }

    /// <summary>The total number of nodes.</summary>
    public int NodeCount { get; }

    internal GraphicalModel(string name, VariableArray[] arrays, GraphEdge[] edges, Factor[] factors, Plate[] plates)
    {
        Name = name;
        Arrays = arrays;
        Edges = edges;
        Factors = factors;
        Plates = plates;
        long count = arrays.Sum(a => (long)a.Count);
        if (count > int.MaxValue)
            throw new GraphSpecException(GraphSpecError.EmptyArray, $"model '{name}' has {count} nodes, more than {int.MaxValue}.");
        NodeCount = (int)count;
    }

    /// <summary>The array called <paramref name="name"/>.</summary>
    public VariableArray Array(string name) =>
        Arrays.FirstOrDefault(a => a.Name == name)
        ?? throw new GraphSpecException(GraphSpecError.UnknownArray,
            $"model '{Name}': no array named '{name}'; arrays are [{string.Join(", ", Arrays.Select(a => a.Name))}].");

    /// <summary>The plate over index <paramref name="index"/>.</summary>
    public Plate Plate(string index) =>
        Plates.FirstOrDefault(p => p.Index == index)
        ?? throw new GraphSpecException(GraphSpecError.UnknownPlateIndex,
            $"model '{Name}': no plate over index '{index}'; plates are [{string.Join(", ", Plates.Select(p => p.Index))}].");

    /// <summary>Compiles the model (computed once and cached).</summary>
    public CompiledGraph Compile() => _compiled ??= new CompiledGraph(this);

    /// <summary>A one-line-per-array summary.</summary>
    public override string ToString() =>
        $"model '{Name}': {NodeCount} nodes, {Edges.Count} edges, {Factors.Count} factors\n  " + string.Join("\n  ", Arrays)
        + (Plates.Count > 0 ? "\n  " + string.Join("\n  ", Plates) : "");
}
