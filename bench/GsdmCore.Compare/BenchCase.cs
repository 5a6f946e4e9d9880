using GsdmCore.Diffusion;
using GsdmCore.Problems;

namespace GsdmCore.Compare;

/// <summary>
/// One comparison case: a problem, the denoiser architecture, the training batch, and whether attention follows the
/// graph (sparse, unscaled as the reference) or covers all node pairs (dense, scaled by 1/sqrt(head dim)).
/// </summary>
internal sealed record BenchCase(string Name, Func<IProblem> Problem, GsdmDenoiserConfig Model, int TrainBatch, bool Dense)
{
    /// <summary>Sampling-step batch (the reference's validation sampling batch for Sudoku).</summary>
    public int SampleBatch => 16;

    /// <summary>The cases of the issue, in report order.</summary>
    public static IReadOnlyList<BenchCase> All { get; } =
    [
        Sudoku("sudoku9-sparse", 3, 32, dense: false),
        Sudoku("sudoku9-dense", 3, 32, dense: true),
        new("sorting20", () => new SortingProblem(20, intermediates: true), Config(64, 6, 1, false), 16, false),
        new("bcmf16-10-8", () => new BcmfProblem(t: 8, n: 16, m: 10, intermediates: true), Config(64, 12, 2, false), 8, false),
        Sudoku("sudoku16-sparse", 4, 8, dense: false),
        Sudoku("sudoku16-dense", 4, 8, dense: true),
        Sudoku("sudoku25-sparse", 5, 4, dense: false),
        Sudoku("sudoku25-dense", 5, 4, dense: true),
    ];

    /// <summary>The case called <paramref name="name"/>; throws naming the known cases otherwise.</summary>
    public static BenchCase Find(string name) =>
        All.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"unknown case '{name}'; known: all, {string.Join(", ", All.Select(c => c.Name))}.");

    private static BenchCase Sudoku(string name, int block, int batch, bool dense) =>
        new(name, () => new SudokuProblem(block, block), Config(128, 6, 8, dense), batch, dense);

    private static GsdmDenoiserConfig Config(int dim, int blocks, int heads, bool dense) => new()
    {
        EmbeddingDim = dim,
        Blocks = blocks,
        Heads = heads,
        Embedding = EmbeddingVariant.Exchangeable,
        Attention = dense ? AttentionKind.Dense : AttentionKind.Sparse,
        Seed = 7,
    };
}
