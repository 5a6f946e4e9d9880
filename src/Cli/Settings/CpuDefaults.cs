using GsdmCore.Cli.Errors;
using GsdmCore.Diffusion;
using GsdmCore.Diffusion.Training;
using GsdmCore.Problems;

namespace GsdmCore.Cli.Settings;

/// <summary>
/// The defaults <c>gsdm train</c> starts from. "cpu": a small network (d 64, 4 blocks, 4 heads), Adam 1e-3, EMA 0.99,
/// batch 32 for Sudoku and 16 otherwise, 1000 steps: minutes on a laptop CPU. "reference": the paper's settings
/// (<see cref="ReferenceSettings"/>), sized for a GPU.
/// </summary>
public static class CpuDefaults
{
    /// <summary>The network and trainer defaults of <paramref name="preset"/> for <paramref name="problem"/>.</summary>
    public static (GsdmDenoiserConfig Model, TrainerOptions Trainer) For(IProblem problem, string? preset)
    {
        switch ((preset ?? "cpu").Trim().ToLowerInvariant())
        {
            case "cpu":
                return (new GsdmDenoiserConfig { EmbeddingDim = 64, Blocks = 4, Heads = 4 },
                    new TrainerOptions { LearningRate = 1e-3, EmaDecay = 0.99, BatchSize = problem is SudokuProblem ? 32 : 16, Steps = 1000, LogEvery = 10 });
            case "reference":
                var (model, trainer) = ReferenceSettings.For(problem);
                return (model, trainer with { Steps = 1000, LogEvery = 10 });
            default:
                throw new UsageException($"unknown --preset '{preset}'; use cpu or reference.");
        }
    }
}
