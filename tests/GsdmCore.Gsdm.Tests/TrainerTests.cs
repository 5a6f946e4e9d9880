using GsdmCore.Diffusion.Training;
using GsdmCore.Nn;

namespace GsdmCore.Gsdm.Tests;

/// <summary>The trainer: exact resume, checkpoint contents, the divergence guard, progress and validation.</summary>
public sealed class TrainerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"gsdm-trainer-tests-{Guid.NewGuid():N}");
    private static readonly SudokuProblem Sudoku = new(2, 2);

    private static GsdmDenoiserConfig Tiny => new() { EmbeddingDim = 16, Blocks = 2, Heads = 2, Groups = 4, Seed = 3 };

    private static TrainerOptions Options(int steps, string? path = null) =>
        new() { LearningRate = 1e-3, BatchSize = 4, Steps = steps, EmaDecay = 0.9, Seed = 17, LogEvery = 0, CheckpointPath = path };

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private string PathOf(string name) => System.IO.Path.Combine(_folder, name);

    private static void AssertSameState(GsdmTrainer a, GsdmTrainer b)
    {
        Assert.Equal(a.Step, b.Step);
        Assert.Equal(a.LastLoss, b.LastLoss);
        var pa = a.Model.StateDict();
        foreach (var (name, value) in b.Model.StateDict()) Assert.Equal(pa[name].ToArray(), value.ToArray());
        var ea = a.Ema.ShadowState();
        foreach (var (name, value) in b.Ema.ShadowState()) Assert.Equal(ea[name].ToArray(), value.ToArray());
        var (sa, sb) = (a.Optimizer.ExportState(), b.Optimizer.ExportState());
        Assert.Equal(sa.StepCount, sb.StepCount);
        for (int i = 0; i < sa.FirstMoments.Count; i++)
        {
            Assert.Equal(sa.FirstMoments[i].ToArray(), sb.FirstMoments[i].ToArray());
            Assert.Equal(sa.SecondMoments[i].ToArray(), sb.SecondMoments[i].ToArray());
        }
    }

    [Fact]
    public void Resuming_from_a_checkpoint_continues_bit_exactly()
    {
        const int n = 4;
        var straight = new GsdmTrainer(Sudoku, Tiny, Options(2 * n));
        straight.Train();

        var first = new GsdmTrainer(Sudoku, Tiny, Options(n, PathOf("half.safetensors")));
        first.Train();
        Assert.Equal(n, first.LastCheckpointStep);
        var resumed = GsdmTrainer.Resume(Sudoku, PathOf("half.safetensors"), o => o with { Steps = 2 * n });
        Assert.Equal(n, resumed.Step);
        Assert.Equal(n, resumed.Optimizer.StepCount);
        Assert.Equal(n, resumed.Train());

        AssertSameState(straight, resumed);
    }

    [Theory]
    [InlineData(false, Prediction.X0)]
    [InlineData(true, Prediction.Eps)]
    public void A_captured_and_replayed_step_trains_bit_exactly_as_the_eager_step(bool dense, Prediction prediction)
    {
        var config = Tiny with { Attention = dense ? AttentionKind.Dense : AttentionKind.Sparse };
        GsdmTrainer Make(bool capture) => new(Sudoku, config, Options(5) with { CaptureSteps = capture },
            new GaussianDiffusion(GaussianSchedule.Create(), prediction));
        var eager = Make(capture: false);
        var captured = Make(capture: true);
        for (int i = 0; i < 5; i++)
        {
            eager.TrainStep();
            captured.TrainStep();
            Assert.Equal(eager.LastLoss, captured.LastLoss);
            Assert.Equal(eager.LastGradNorm, captured.LastGradNorm);
        }
        AssertSameState(eager, captured);
    }

    [Fact]
    public void Training_gives_the_same_bits_whatever_order_its_parallel_chunks_run_in()
    {
        // Big enough that the products, the attention, the norms and the optimiser's updates are cut into several chunks.
        var config = new GsdmDenoiserConfig { EmbeddingDim = 64, Blocks = 2, Heads = 4, Seed = 3 };
        GsdmTrainer Train(ulong? seed)
        {
            var trainer = new GsdmTrainer(Sudoku, config, Options(3) with { BatchSize = 16, GradClip = 0.5 });
            using (seed is { } s ? Backends.Cpu.CpuParallel.ShuffledChunkOrder(s) : null) trainer.Train();
            return trainer;
        }

        var natural = Train(null);
        AssertSameState(natural, Train(1));
        AssertSameState(natural, Train(2));
    }

    [Fact]
    public void A_checkpoint_holds_model_ema_adam_step_and_config()
    {
        var trainer = new GsdmTrainer(Sudoku, Tiny with { Embedding = EmbeddingVariant.Array }, Options(3, PathOf("c.safetensors")) with { CheckpointEvery = 2 });
        trainer.Train();
        var content = SafeTensors.Load(PathOf("c.safetensors"));
        int parameters = trainer.Model.NamedParameters().Count();
        foreach (var prefix in new[] { "model.", "ema.", "adam_m.", "adam_v." })
            Assert.Equal(parameters, content.Tensors.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal("3", content.Metadata["step"]);
        Assert.Equal("3", content.Metadata["adam_step"]);
        Assert.Equal(TrainerCheckpoint.Format, content.Metadata["format"]);
        Assert.Contains("\"seed\":17", content.Metadata["rng"]);
        var checkpoint = TrainerCheckpoint.Load(PathOf("c.safetensors"));
        Assert.Equal(trainer.Model.Config, checkpoint.ModelConfig);
        Assert.Equal(trainer.Options, checkpoint.Options);
        Assert.Equal(Sudoku.Name, checkpoint.Problem);
        Assert.Throws<CheckpointException>(() => GsdmTrainer.Resume(new SudokuProblem(2, 3), PathOf("c.safetensors")));
    }

    /// <summary>A problem whose batches turn to NaN from the <c>poisonFrom</c>-th call on.</summary>
    private sealed class PoisonedProblem(IProblem inner, int poisonFrom) : IProblem
    {
        private int _calls;
        public string Name => inner.Name;
        public GraphicalModel Model => inner.Model;
        public CompiledGraph Graph => inner.Graph;
        public ProblemBatch Sample(int batch, ulong seed)
        {
            var b = inner.Sample(batch, seed);
            if (_calls++ < poisonFrom) return b;
            var data = b.Data.ToArray();
            data[1] = float.NaN;
            return new ProblemBatch(Graph, batch, data, b.ObservedNodes.ToArray());
        }
        public MetricReport Evaluate(Tensor samples, ProblemBatch conditioning) => inner.Evaluate(samples, conditioning);
        public string Render(Tensor samples, int item) => inner.Render(samples, item);
    }

    [Fact]
    public void A_non_finite_loss_stops_with_a_typed_error_and_keeps_the_last_good_checkpoint()
    {
        string path = PathOf("guard.safetensors");
        var trainer = new GsdmTrainer(new PoisonedProblem(Sudoku, 5), Tiny, Options(10, path) with { CheckpointEvery = 2 });
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Train());
        Assert.Equal(5, e.Step);
        Assert.Equal(path, e.LastCheckpoint);
        Assert.Equal(4, e.LastCheckpointStep);
        Assert.Contains("step 5", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Equal(5, trainer.Step);
        Assert.All(trainer.Model.Parameters(), p => Assert.All(p.ToArray(), v => Assert.True(float.IsFinite(v))));
        Assert.Equal("4", SafeTensors.Load(path).Metadata["step"]);
        // The kept checkpoint is the state after step 4, and training on from it works.
        var resumed = GsdmTrainer.Resume(Sudoku, path, o => o with { Steps = 5 });
        var reference = new GsdmTrainer(Sudoku, Tiny, Options(5));
        reference.Train();
        Assert.Equal(1, resumed.Train());
        AssertSameState(reference, resumed);
    }

    [Fact]
    public void Progress_is_reported_with_loss_and_speed_and_validation_scores_samples()
    {
        var options = Options(6) with
        {
            LogEvery = 2,
            ValidateEvery = 3,
            ValidationBatch = 4,
            ValidationSampling = new SamplingOptions { Kind = SamplerKind.Ddpm, Steps = 5 },
        };
        var trainer = new GsdmTrainer(Sudoku, Tiny, options);
        var reports = new List<TrainingProgress>();
        var validations = new List<ValidationResult>();
        trainer.Progress += reports.Add;
        trainer.Validated += validations.Add;
        trainer.Train();
        Assert.Equal([2, 4, 6], reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.True(double.IsFinite(r.Loss) && r.MeanLoss > 0 && r.StepsPerSecond > 0 && r.GradNorm > 0));
        Assert.Equal([3, 6], validations.Select(v => v.Step));
        Assert.All(validations, v => Assert.InRange(v.Metrics["clue_accuracy"], 1.0, 1.0)); // clues are clamped
        Assert.False(trainer.Ema.IsSwappedIn);
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new GsdmTrainer(Sudoku, Tiny, Options(1) with { BatchSize = 0 }));
        Assert.Throws<ArgumentException>(() => new GsdmTrainer(Sudoku, Tiny, Options(1) with { CheckpointEvery = 5 }));
        Assert.Throws<ArgumentException>(() => new GsdmTrainer(Sudoku, Tiny, Options(1) with { EmaDecay = 2 }));
        var (model, trainer) = ReferenceSettings.For(new SortingProblem(5));
        Assert.Equal((64, 6, 1, 2e-4, 0.5), (model.EmbeddingDim, model.Blocks, model.Heads, trainer.LearningRate, trainer.EmaDecay));
    }
}
