using GsdmCore.Diffusion;

namespace GsdmCore.Problems;

/// <summary>
/// The common plumbing of a problem: compiles the model once, fills batches datum by datum from per-item random
/// streams, checks sample shapes, and hands rows to the subclass. A new problem overrides
/// <see cref="Generate"/>, <see cref="Evaluate(ReadOnlySpan{float}, int, ProblemBatch)"/> and <see cref="RenderRow"/>.
/// </summary>
public abstract class Problem : IProblem
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public GraphicalModel Model { get; }

    /// <inheritdoc />
    public CompiledGraph Graph { get; }

    /// <summary>The feature layout of <see cref="Graph"/>.</summary>
    protected FeatureLayout Layout => Graph.Features;

    /// <summary>Compiles <paramref name="model"/>.</summary>
    protected Problem(GraphicalModel model)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Graph = model.Compile();
    }

    /// <inheritdoc />
    public ProblemBatch Sample(int batch, ulong seed) => Sample(batch, seed, Observe);

    /// <summary>
    /// Sets the observation pattern of one datum: <paramref name="mask"/> arrives holding the default (the nodes of
    /// observed arrays); the default keeps it. Sudoku overrides it with random subsets.
    /// </summary>
    protected virtual void Observe(Span<float> mask, ProblemRandom rng)
    {
    }

    /// <summary>
    /// Generates a batch; <paramref name="observe"/>, when given, sets the observation pattern of each datum (it
    /// receives the datum's node mask, pre-filled with the default, and the datum's random stream, after the data).
    /// </summary>
    protected ProblemBatch Sample(int batch, ulong seed, Action<Span<float>, ProblemRandom>? observe)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), $"a batch needs at least one datum, got {batch}.");
        int width = Layout.Width, nodes = Graph.NodeCount;
        var data = new float[batch * width];
        var observed = new float[batch * nodes];
        var defaults = Graph.ObservedByDefault.ToArray();
        for (int b = 0; b < batch; b++)
        {
            var rng = new ProblemRandom(seed, (ulong)b);
            Generate(data.AsSpan(b * width, width), rng);
            var mask = observed.AsSpan(b * nodes, nodes);
            defaults.CopyTo(mask);
            observe?.Invoke(mask, rng);
        }
        return new ProblemBatch(Graph, batch, data, observed);
    }

    /// <summary>Writes one datum into <paramref name="row"/> (zeroed, Width features) using <paramref name="rng"/>.</summary>
    protected abstract void Generate(Span<float> row, ProblemRandom rng);

    /// <inheritdoc />
    public MetricReport Evaluate(Tensor samples, ProblemBatch conditioning)
    {
        ArgumentNullException.ThrowIfNull(conditioning);
        var flat = FlatSamples(samples);
        int batch = flat.Length / Layout.Width;
        if (batch != conditioning.Size)
            throw new ArgumentException($"{Name}: {batch} samples but the conditioning batch has {conditioning.Size} data.", nameof(samples));
        return Evaluate(flat, batch, conditioning);
    }

    /// <summary>The metrics on <paramref name="batch"/> flat rows (row-major <c>[batch, width]</c>).</summary>
    protected abstract MetricReport Evaluate(ReadOnlySpan<float> samples, int batch, ProblemBatch conditioning);

    /// <inheritdoc />
    public string Render(Tensor samples, int item)
    {
        var flat = FlatSamples(samples);
        int batch = flat.Length / Layout.Width;
        if ((uint)item >= (uint)batch) throw new ArgumentOutOfRangeException(nameof(item), $"{Name}: item {item} of a batch of {batch}.");
        return RenderRow(flat.AsSpan(item * Layout.Width, Layout.Width));
    }

    /// <summary>One flat datum as text.</summary>
    protected abstract string RenderRow(ReadOnlySpan<float> row);

    /// <summary>The samples as row-major floats after checking the shape is <c>[batch, Width]</c>.</summary>
    protected float[] FlatSamples(Tensor samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var shape = samples.Shape;
        if (shape.Length != 2 || shape[1] != Layout.Width || shape[0] < 1)
            throw new ArgumentException($"{Name}: expected samples of shape [batch, {Layout.Width}], got [{string.Join(", ", shape)}].", nameof(samples));
        return samples.ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Graph}";
}
