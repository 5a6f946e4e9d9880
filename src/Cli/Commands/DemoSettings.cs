using GsdmCore.Diffusion;
using GsdmCore.Diffusion.Training;

namespace GsdmCore.Cli.Commands;

/// <summary>
/// The embedded settings of <c>gsdm demo</c>, measured on a 2-core CPU: a 4x4 Sudoku GSDM with d 64, 4 blocks and 4
/// heads (144k parameters), batch 64, Adam 1e-3, EMA 0.99, reaches ~23 steps/s and solves the held-out puzzles
/// after ~2,500 steps; DDPM with 100 strided steps draws the samples.
/// </summary>
public static class DemoSettings
{
    /// <summary>Default step budget.</summary>
    public const int Steps = 3000;
    /// <summary>Default training deadline in seconds (the demo's time box).</summary>
    public const double TimeLimitSeconds = 150;
    /// <summary>Held-out puzzles and unconditional samples.</summary>
    public const int Count = 64;
    /// <summary>Seed of the held-out puzzles (training data come from other streams).</summary>
    public const ulong PuzzleSeed = 0xDE30;
    /// <summary>Seed of the unconditional conditioning batch (nothing observed).</summary>
    public const ulong UnconditionalSeed = 0xDE31;

    /// <summary>The network.</summary>
    public static GsdmDenoiserConfig Model(ulong seed) => new() { EmbeddingDim = 64, Blocks = 4, Heads = 4, Seed = seed + 1 };

    /// <summary>The trainer.</summary>
    public static TrainerOptions Trainer(int steps, ulong seed, string checkpoint) => new()
    {
        LearningRate = 1e-3,
        BatchSize = 64,
        EmaDecay = 0.99,
        Steps = steps,
        Seed = seed + 3,
        LogEvery = 10,
        CheckpointPath = checkpoint,
    };

    /// <summary>The sampler.</summary>
    public static SamplingOptions Sampling => new() { Kind = SamplerKind.Ddpm, Steps = 100, Seed = 5 };
}
