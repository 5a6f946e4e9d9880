using System.Diagnostics;
using GsdmCore.Diffusion.Training;
using Xunit.Abstractions;

namespace GsdmCore.Gsdm.Tests;

/// <summary>The learning tests run one at a time: each uses every core.</summary>
[CollectionDefinition("learning", DisableParallelization = true)]
public sealed class LearningCollection;

/// <summary>
/// Tiny GSDMs trained from scratch with fixed seeds learn each problem well beyond chance (papers.md §6 sanity targets).
/// Sizes are scaled down from the reference (emb 64, 4 blocks, lr 1e-3, EMA 0.99, a few hundred steps) to fit a
/// 2-core CPU in well under 90 s each.
/// </summary>
[Collection("learning")]
public class LearningTests(ITestOutputHelper output)
{
    private static readonly GsdmDenoiserConfig Model = new() { EmbeddingDim = 64, Blocks = 4, Heads = 4, Seed = 1 };

    private static TrainerOptions Training(int steps, int batch) =>
        new() { LearningRate = 1e-3, BatchSize = batch, Steps = steps, EmaDecay = 0.99, Seed = 3, LogEvery = 100 };

    private MetricReport TrainAndScore(IProblem problem, GsdmDenoiserConfig model, TrainerOptions options, ProblemBatch conditioning, SamplingOptions sampling)
    {
        var clock = Stopwatch.StartNew();
        var trainer = new GsdmTrainer(problem, model, options);
        trainer.Progress += p => output.WriteLine($"step {p.Step}: loss {p.MeanLoss:F3}, {p.StepsPerSecond:F1} steps/s");
        trainer.Train();
        double trainSeconds = clock.Elapsed.TotalSeconds;
        MetricReport metrics;
        using (TensorScope.Begin())
        {
            var samples = trainer.Sample(conditioning, sampling);
            metrics = problem.Evaluate(samples, conditioning);
            output.WriteLine(problem.Render(samples, 0));
        }
        output.WriteLine($"{problem.Name}: {options.Steps} steps x {options.BatchSize} in {trainSeconds:F1} s, sampling {clock.Elapsed.TotalSeconds - trainSeconds:F1} s");
        output.WriteLine(metrics.ToString());
        return metrics;
    }

    /// <summary>Unconditional 4x4 grids: a uniformly random fill is valid with probability 288 / 4^16 = 6.7e-8.</summary>
    [Fact]
    public void Sudoku_4x4_unconditional_samples_are_mostly_valid()
    {
        var problem = new SudokuProblem(2, 2);
        var metrics = TrainAndScore(problem, Model, Training(500, 32), problem.Sample(64, 99, observedFraction: 0.0),
            new SamplingOptions { Kind = SamplerKind.Ddpm, Steps = 100, Seed = 5 });
        Assert.True(metrics["without_clashes"] > 0.5, $"without_clashes = {metrics["without_clashes"]}");
    }

    /// <summary>Sorting 5 values given the unsorted list: chance per-position accuracy is 1/5.</summary>
    [Fact]
    public void Sorting_5_values_places_most_positions_correctly()
    {
        var problem = new SortingProblem(5);
        var metrics = TrainAndScore(problem, Model, Training(500, 16), problem.Sample(64, 99),
            new SamplingOptions { Kind = SamplerKind.Ddpm, Steps = 100, Seed = 5 });
        Assert.True(metrics["position_accuracy"] > 0.5, $"position_accuracy = {metrics["position_accuracy"]}");
    }

    /// <summary>BCMF t=2, n=4, m=4 given E: predicting E by its prior mean has RMSE sqrt(0.0775 t) = 0.394.</summary>
    [Fact]
    public void Bcmf_small_factorises_better_than_the_prior_mean()
    {
        var problem = new BcmfProblem(2, 4, 4);
        var metrics = TrainAndScore(problem, Model, Training(500, 16), problem.Sample(64, 99),
            new SamplingOptions { Kind = SamplerKind.Ddpm, Steps = 100, Seed = 5 });
        Assert.True(metrics["rmse"] < problem.PriorMeanRmse, $"rmse = {metrics["rmse"]} vs prior-mean {problem.PriorMeanRmse}");
    }
}
