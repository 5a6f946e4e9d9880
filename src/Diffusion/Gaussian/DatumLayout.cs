namespace GsdmCore.Diffusion;

/// <summary>
/// Which entries of a flat datum vector of <see cref="Dim"/> entries are one-hot categorical slices; every
/// other entry is a continuous variable. The ELBO's decoder term treats the two kinds differently.
/// </summary>
public sealed class DatumLayout
{
    private readonly CategoricalSlice[] _categorical;
    private readonly bool[] _isCategorical;

    /// <summary>A layout of <paramref name="dim"/> entries with the given non-overlapping categorical slices.</summary>
    public DatumLayout(int dim, IEnumerable<CategoricalSlice>? categorical = null)
    {
        if (dim < 1) throw new ArgumentOutOfRangeException(nameof(dim), $"a datum needs at least one entry, got {dim}.");
        Dim = dim;
        _categorical = (categorical ?? []).OrderBy(s => s.Offset).ToArray();
        _isCategorical = new bool[dim];
        foreach (var slice in _categorical)
        {
            if (slice.Classes < 1 || slice.Offset < 0 || slice.Offset + slice.Classes > dim)
                throw new ArgumentOutOfRangeException(nameof(categorical), $"categorical slice {slice} does not fit in {dim} entries.");
            for (int d = slice.Offset; d < slice.Offset + slice.Classes; d++)
            {
                if (_isCategorical[d])
                    throw new ArgumentException($"categorical slices overlap at entry {d}.", nameof(categorical));
                _isCategorical[d] = true;
            }
        }
        HasContinuous = _isCategorical.Contains(false);
    }

    /// <summary>A layout whose <paramref name="dim"/> entries are all continuous.</summary>
    public static DatumLayout Continuous(int dim) => new(dim);

    /// <summary>Entries per datum.</summary>
    public int Dim { get; }
    /// <summary>The categorical slices, by offset.</summary>
    public IReadOnlyList<CategoricalSlice> Categorical => _categorical;
    /// <summary>Whether entry <paramref name="d"/> is continuous (not in a categorical slice).</summary>
    public bool IsContinuous(int d) => !_isCategorical[d];
    /// <summary>Whether any entry is continuous: with categorical slices too, the layout of a mixed model.</summary>
    public bool HasContinuous { get; }
}
