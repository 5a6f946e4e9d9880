using GsdmCore.Problems;

namespace GsdmCore.Diffusion.Training;

/// <summary>
/// The reference's per-task settings (<c>plai-group/gsdm</c> <c>configs/*.yml</c>): network size and heads, batch,
/// learning rate and EMA rate. They are sized for a GPU and tens of thousands of steps; CPU runs usually shrink them.
/// </summary>
public static class ReferenceSettings
{
    /// <summary>
    /// The network and trainer settings the reference uses for <paramref name="problem"/>'s kind: Sudoku emb 128, 6 blocks,
    /// 8 heads, batch 32, lr 2e-5, EMA 0.999; sorting 64 / 6 / 1, batch 10, lr 2e-4, EMA 0.5; BCMF 64 / 12 / 2, batch 16,
    /// lr 2e-5, EMA 0.999; Boolean 64 / 12 / 2, batch 4, lr 2e-5, EMA 0.99. Other problems get the BCMF settings.
    /// </summary>
    public static (GsdmDenoiserConfig Model, TrainerOptions Trainer) For(IProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return problem switch
        {
            SudokuProblem => (new GsdmDenoiserConfig { EmbeddingDim = 128, Blocks = 6, Heads = 8 },
                new TrainerOptions { BatchSize = 32, LearningRate = 2e-5, EmaDecay = 0.999 }),
            SortingProblem => (new GsdmDenoiserConfig { EmbeddingDim = 64, Blocks = 6, Heads = 1 },
                new TrainerOptions { BatchSize = 10, LearningRate = 2e-4, EmaDecay = 0.5 }),
            BooleanCircuitProblem => (new GsdmDenoiserConfig { EmbeddingDim = 64, Blocks = 12, Heads = 2 },
                new TrainerOptions { BatchSize = 4, LearningRate = 2e-5, EmaDecay = 0.99 }),
            _ => (new GsdmDenoiserConfig { EmbeddingDim = 64, Blocks = 12, Heads = 2 },
                new TrainerOptions { BatchSize = 16, LearningRate = 2e-5, EmaDecay = 0.999 }),
        };
    }
}
