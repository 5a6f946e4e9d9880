using GsdmCore.Diffusion.Training;

namespace GsdmCore.Categorical.Tests;

/// <summary>The trainer with a categorical process chosen by <see cref="TrainerOptions.Diffusion"/>.</summary>
public class TrainerTests
{
    [Theory]
    [InlineData(DiffusionKind.Multinomial)]
    [InlineData(DiffusionKind.Absorbing)]
    public void Trainer_uses_the_chosen_process_and_resumes_it_from_a_checkpoint(DiffusionKind kind)
    {
        var problem = new SudokuProblem(2, 2);
        var path = Path.Combine(Path.GetTempPath(), $"gsdm-categorical-{kind}-{Environment.ProcessId}.safetensors");
        try
        {
            var options = new TrainerOptions
            {
                Diffusion = kind, HybridWeight = 0.01, LearningRate = 1e-3, BatchSize = 8, Steps = 4, LogEvery = 0,
                ValidationBatch = 4, ValidationSampling = new SamplingOptions { Steps = 5 }, CheckpointPath = path,
            };
            var config = new GsdmDenoiserConfig { EmbeddingDim = 16, Blocks = 1, Heads = 2, Groups = 4, Seed = 1 };
            var trainer = new GsdmTrainer(problem, config, options);
            Assert.NotNull(trainer.Categorical);
            Assert.Equal(kind, trainer.Categorical!.Kind);
            trainer.Train();
            Assert.True(double.IsFinite(trainer.LastLoss));
            var result = trainer.Validate();
            Assert.Contains(result.Metrics.Entries, e => e.Key.Contains("clash") && double.IsFinite(e.Value));
            var resumed = GsdmTrainer.Resume(problem, path);
            Assert.Equal(kind, resumed.Options.Diffusion);
            Assert.Equal(kind, resumed.Categorical!.Kind);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Categorical_and_hybrid_weights_default_to_the_mixed_values_only_when_continuous_nodes_share_the_model()
    {
        var config = new GsdmDenoiserConfig { EmbeddingDim = 16, Blocks = 1, Heads = 2, Groups = 4, Seed = 1 };
        var multinomial = new TrainerOptions { Diffusion = DiffusionKind.Multinomial, Steps = 0 };
        var mixed = new GsdmTrainer(new BcmfProblem(2, 3, 3), config, multinomial).Categorical!;
        Assert.Equal(TrainerOptions.MixedCategoricalWeight, mixed.CategoricalWeight);
        Assert.Equal(TrainerOptions.MixedHybridWeight, mixed.HybridWeight);
        var categorical = new GsdmTrainer(new SudokuProblem(2, 2), config, multinomial).Categorical!;
        Assert.Equal(1, categorical.CategoricalWeight);
        Assert.Equal(0, categorical.HybridWeight);
        var chosen = multinomial with { CategoricalWeight = 0.7 };
        Assert.Equal(0.7, new GsdmTrainer(new BcmfProblem(2, 3, 3), config, chosen).Categorical!.CategoricalWeight);
        Assert.Throws<ArgumentException>(() => new GsdmTrainer(new SudokuProblem(2, 2), config, multinomial with { CategoricalWeight = -1 }));
    }
}
