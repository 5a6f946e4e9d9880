namespace GsdmCore.Diffusion;

/// <summary>
/// An array of variables with a named multi-dimensional index, e.g. <c>A[t, m]</c>: all of one kind (continuous, or
/// categorical with K classes) and one role. Created by <see cref="GraphicalModelBuilder"/>; index it to get nodes
/// (<c>a[t, m]</c>). Its role and exchangeable-embedding grouping can be set until the model is built.
/// </summary>
public sealed class VariableArray
{
    private readonly IndexDimension[] _dimensions;
    private readonly int[] _strides;
    private VariableRole _role = VariableRole.Latent;
    private Func<NodeRef, int>? _exchangeableGroup;

    internal GraphicalModelBuilder Owner { get; }

    /// <summary>The array's name, unique within its model.</summary>
    public string Name { get; }

    /// <summary>Continuous or categorical.</summary>
    public VariableKind Kind { get; }

    /// <summary>The number of classes K of a categorical array; 0 for a continuous one.</summary>
    public int Classes { get; }

    /// <summary>Features per node in the flat per-datum vector: 1 for continuous, K for categorical (one-hot).</summary>
    public int NodeWidth => Kind == VariableKind.Continuous ? 1 : Classes;

    /// <summary>Observed by default, latent, or intermediate.</summary>
    public VariableRole Role => _role;

    /// <summary>The named index dimensions, outermost first.</summary>
    public IReadOnlyList<IndexDimension> Dimensions => _dimensions;

    /// <summary>The number of index dimensions (0 for a single scalar variable).</summary>
    public int Rank => _dimensions.Length;

    /// <summary>The sizes of the index dimensions.</summary>
    public int[] Shape => _dimensions.Select(d => d.Size).ToArray();

    /// <summary>The number of nodes (product of the dimension sizes).</summary>
    public int Count { get; }

    /// <summary>
    /// The problem-specific exchangeable-embedding grouping (nodes of this array with equal keys share one id), or
    /// null for the default of one id for the whole array.
    /// </summary>
    public Func<NodeRef, int>? ExchangeableGroup => _exchangeableGroup;

    internal VariableArray(GraphicalModelBuilder owner, string name, VariableKind kind, int classes, IndexDimension[] dimensions)
    {
        Owner = owner;
        Name = name;
        Kind = kind;
        Classes = classes;
        _dimensions = dimensions;
        _strides = new int[dimensions.Length];
        long count = 1;
        for (int d = dimensions.Length - 1; d >= 0; d--)
        {
            _strides[d] = (int)count;
            count *= dimensions[d].Size;
            if (count > int.MaxValue)
                throw new GraphSpecException(GraphSpecError.EmptyArray, $"model '{owner.Name}': array '{name}' has more than {int.MaxValue} nodes.");
        }
        Count = (int)count;
    }

    /// <summary>The node at <paramref name="index"/> (one entry per dimension), e.g. <c>r[t, n]</c>.</summary>
    /// <exception cref="GraphSpecException">The index has the wrong length or an entry is out of range.</exception>
    public NodeRef this[params int[] index]
    {
        get
        {
            if (index.Length != Rank)
                throw new GraphSpecException(GraphSpecError.IndexOutOfRange,
                    $"model '{Owner.Name}': array '{Name}' has {Rank} index dimension(s) ({DimensionList()}), got {index.Length} index value(s) [{string.Join(", ", index)}].");
            int offset = 0;
            for (int d = 0; d < Rank; d++)
            {
                if ((uint)index[d] >= (uint)_dimensions[d].Size)
                    throw new GraphSpecException(GraphSpecError.IndexOutOfRange,
                        $"model '{Owner.Name}': {Name}[{string.Join(",", index)}] is out of range: index '{_dimensions[d].Name}' takes values 0..{_dimensions[d].Size - 1}.");
                offset += index[d] * _strides[d];
            }
            return new NodeRef(this, offset);
        }
    }

    /// <summary>The node at row-major position <paramref name="offset"/>.</summary>
    public NodeRef At(int offset)
    {
        if ((uint)offset >= (uint)Count)
            throw new GraphSpecException(GraphSpecError.IndexOutOfRange, $"model '{Owner.Name}': array '{Name}' has {Count} nodes, offset {offset} is out of range.");
        return new NodeRef(this, offset);
    }

    /// <summary>Every node of the array in row-major order.</summary>
    public IEnumerable<NodeRef> Nodes
    {
        get
        {
            for (int i = 0; i < Count; i++) yield return new NodeRef(this, i);
        }
    }

    /// <summary>The position of the dimension called <paramref name="name"/>.</summary>
    /// <exception cref="GraphSpecException">The array has no such dimension.</exception>
    public int DimensionOf(string name)
    {
        int d = TryDimensionOf(name);
        if (d < 0)
            throw new GraphSpecException(GraphSpecError.UnknownIndexName,
                $"model '{Owner.Name}': array '{Name}' has no index '{name}'; its indices are ({DimensionList()}).");
        return d;
    }

    /// <summary>The position of the dimension called <paramref name="name"/>, or -1.</summary>
    public int TryDimensionOf(string name) => System.Array.FindIndex(_dimensions, d => d.Name == name);

    /// <summary>Marks the array as observed by default (conditioned on). Returns the array.</summary>
    public VariableArray Observed() => SetRole(VariableRole.Observed);

    /// <summary>Marks the array as latent (the default). Returns the array.</summary>
    public VariableArray Latent() => SetRole(VariableRole.Latent);

    /// <summary>Marks the array as intermediate (a supervised latent sub-computation). Returns the array.</summary>
    public VariableArray Intermediate() => SetRole(VariableRole.Intermediate);

    /// <summary>
    /// Overrides the exchangeable-embedding (EE) grouping of this array: nodes whose <paramref name="groupKey"/>
    /// values are equal share one embedding id (e.g. Sudoku's row segments, or one id per sorted position).
    /// Returns the array.
    /// </summary>
    public VariableArray ShareEmbeddings(Func<NodeRef, int> groupKey)
    {
        ArgumentNullException.ThrowIfNull(groupKey);
        Owner.ThrowIfFrozen($"set the embedding grouping of '{Name}'");
        _exchangeableGroup = groupKey;
        return this;
    }

    private VariableArray SetRole(VariableRole role)
    {
        Owner.ThrowIfFrozen($"change the role of '{Name}'");
        _role = role;
        return this;
    }

    internal int[] Unflatten(int offset)
    {
        var index = new int[Rank];
        for (int d = 0; d < Rank; d++) index[d] = offset / _strides[d] % _dimensions[d].Size;
        return index;
    }

    internal int IndexAt(int offset, int dimension)
    {
        if ((uint)dimension >= (uint)Rank)
            throw new GraphSpecException(GraphSpecError.IndexOutOfRange, $"model '{Owner.Name}': array '{Name}' has {Rank} index dimension(s), asked for number {dimension}.");
        return offset / _strides[dimension] % _dimensions[dimension].Size;
    }

    internal int Stride(int dimension) => _strides[dimension];

    private string DimensionList() => string.Join(", ", _dimensions.Select(d => d.ToString()));

    /// <summary>The array written as <c>Name[t:3, n:4] categorical(K=2) latent</c>.</summary>
    public override string ToString() =>
        $"{Name}[{DimensionList()}] {(Kind == VariableKind.Continuous ? "continuous" : $"categorical(K={Classes})")} {Role.ToString().ToLowerInvariant()}";
}
