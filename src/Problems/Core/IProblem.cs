using GsdmCore.Diffusion;

namespace GsdmCore.Problems;

/// <summary>
/// A GSDM problem: its graphical model, a seeded data generator in the compiled flat layout, the metrics of the
/// paper on sampled flat vectors, and a text rendering. <see cref="Problem"/> implements the plumbing.
/// </summary>
public interface IProblem
{
    /// <summary>A short name with the size, e.g. "sudoku-3x3".</summary>
    string Name { get; }

    /// <summary>The graphical-model specification.</summary>
    GraphicalModel Model { get; }

    /// <summary>The compiled graph (node order, feature layout, attention, embeddings).</summary>
    CompiledGraph Graph { get; }

    /// <summary>
    /// <paramref name="batch"/> fresh data from stream <paramref name="seed"/> (datum b depends only on seed and b),
    /// with the default observation pattern.
    /// </summary>
    ProblemBatch Sample(int batch, ulong seed);

    /// <summary>The problem's metrics for sampled flat vectors <c>[batch, width]</c> conditioned on <paramref name="conditioning"/>.</summary>
    MetricReport Evaluate(Tensor samples, ProblemBatch conditioning);

    /// <summary>Datum <paramref name="item"/> of flat vectors <c>[batch, width]</c> as text.</summary>
    string Render(Tensor samples, int item);
}
