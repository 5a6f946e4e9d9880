using System.Diagnostics;
using GsdmCore.Autograd;
using GsdmCore.Nn;
using GsdmCore.Problems;

namespace GsdmCore.Diffusion.Training;

/// <summary>
/// Trains a <see cref="GsdmDenoiser"/> on a problem as the reference does: every step draws a fresh batch from the
/// problem (with its observation pattern), takes the x0-prediction loss of the Gaussian diffusion (antithetic
/// timesteps, observed entries clamped), clips the gradient norm, takes an Adam step and updates the EMA of the weights.
/// Each step runs inside its own <see cref="TensorScope"/>. All randomness of step s is keyed by (seed, s), so resuming
/// from a checkpoint continues bit-exactly. Validation samples with the EMA weights and reports the problem's metrics.
/// </summary>
/// <example>
/// <code>
/// var problem = new SudokuProblem(2, 2);
/// var trainer = new GsdmTrainer(problem, new GsdmDenoiserConfig { EmbeddingDim = 64, Blocks = 4, Heads = 4 },
///     new TrainerOptions { LearningRate = 1e-3, BatchSize = 32, Steps = 500, EmaDecay = 0.99 });
/// trainer.Progress += p => Console.WriteLine($"step {p.Step}: loss {p.MeanLoss:F3}, {p.StepsPerSecond:F1} steps/s");
/// trainer.Train();
/// var grids = problem.Sample(64, seed: 7, observedFraction: 0.0);   // nothing observed: unconditional
/// var samples = trainer.Sample(grids, new SamplingOptions { Kind = SamplerKind.Ddpm, Steps = 100 });  // EMA weights
/// Console.WriteLine(problem.Evaluate(samples, grids)["without_clashes"]);
/// Console.WriteLine(problem.Render(samples, 0));
/// </code>
/// </example>
public sealed class GsdmTrainer
{
    private readonly Stopwatch _clock = new();
    // The captured forward and backward pass of the Gaussian loss, and the tensors its draws are copied into.
    private GaussianLossBatch? _lossBatch;
    private CapturedStep? _captured;
    private double _windowLoss;
    private int _windowSteps;
    private long _windowStart;

    /// <summary>The problem trained on.</summary>
    public IProblem Problem { get; }
    /// <summary>The network.</summary>
    public GsdmDenoiser Model { get; }
    /// <summary>The diffusion process.</summary>
    public GaussianDiffusion Diffusion { get; }
    /// <summary>
    /// The categorical process of the categorical nodes when <see cref="TrainerOptions.Diffusion"/> is Multinomial or
    /// Absorbing (its continuous part is <see cref="Diffusion"/>), else null.
    /// </summary>
    public CategoricalDiffusion? Categorical { get; }
    /// <summary>The optimiser.</summary>
    public Adam Optimizer { get; }
    /// <summary>The moving average of the weights (used for sampling).</summary>
    public ExponentialMovingAverage Ema { get; }
    /// <summary>The settings.</summary>
    public TrainerOptions Options { get; }
    /// <summary>Steps taken so far.</summary>
    public int Step { get; private set; }
    /// <summary>The loss of the last step (NaN before the first).</summary>
    public double LastLoss { get; private set; } = double.NaN;
    /// <summary>The gradient norm of the last step before clipping (NaN before the first).</summary>
    public double LastGradNorm { get; private set; } = double.NaN;
    /// <summary>The last checkpoint written (or loaded), or null.</summary>
    public string? LastCheckpoint { get; private set; }
    /// <summary>The step count stored in <see cref="LastCheckpoint"/> (-1 when none).</summary>
    public int LastCheckpointStep { get; private set; } = -1;

    /// <summary>Raised every <see cref="TrainerOptions.LogEvery"/> steps (and after the last step of <see cref="Train"/>).</summary>
    public event Action<TrainingProgress>? Progress;
    /// <summary>Raised after each validation.</summary>
    public event Action<ValidationResult>? Validated;

    /// <summary>
    /// The data validation samples and scores (default: <see cref="TrainerOptions.ValidationBatch"/> data of the problem
    /// with its default observations, seeded by <see cref="TrainerOptions.ValidationSeed"/>).
    /// </summary>
    public Func<ProblemBatch>? ValidationData { get; set; }

    /// <summary>
    /// A trainer of a fresh network for <paramref name="problem"/>. <paramref name="diffusion"/> defaults to the reference
    /// process (linear betas 1e-4 to 0.005, T = 1000, x0-prediction).
    /// </summary>
    public GsdmTrainer(IProblem problem, GsdmDenoiserConfig? model = null, TrainerOptions? options = null, GaussianDiffusion? diffusion = null)
    {
        Problem = problem ?? throw new ArgumentNullException(nameof(problem));
        Options = options ?? new TrainerOptions();
        Options.Validate();
        Diffusion = diffusion ?? GaussianDiffusion.Default();
        // Everything the trainer creates (parameters, optimiser and EMA state, cached constants) lives on the device.
        using var onDevice = OnDevice();
        if (Options.Diffusion != DiffusionKind.Gaussian)
        {
            var layout = CategoricalDiffusion.LayoutOf(problem.Graph);
            Categorical = new CategoricalDiffusion(Options.Diffusion, layout, CategoricalSchedule.Default(Options.Diffusion, Diffusion.Timesteps),
                Diffusion, Options.HybridWeightFor(layout.HasContinuous), Options.CategoricalWeightFor(layout.HasContinuous));
        }
        Model = new GsdmDenoiser(problem.Graph, model);
        Optimizer = new Adam(Model.Parameters(), Options.LearningRate, Options.Beta1, Options.Beta2, Options.Eps);
        Ema = new ExponentialMovingAverage(Model, Options.EmaDecay);
    }

    /// <summary>
    /// A trainer restored from the checkpoint at <paramref name="path"/>: network, EMA, Adam state and step. Options and
    /// network config come from the checkpoint; <paramref name="adjust"/> may change the options (e.g. a larger
    /// <see cref="TrainerOptions.Steps"/>). Training on continues exactly as the original run would have.
    /// </summary>
    public static GsdmTrainer Resume(IProblem problem, string path, Func<TrainerOptions, TrainerOptions>? adjust = null, GaussianDiffusion? diffusion = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var checkpoint = TrainerCheckpoint.Load(path);
        if (checkpoint.Problem != problem.Name)
            throw new CheckpointException(null, $"'{path}' was trained on '{checkpoint.Problem}', not on '{problem.Name}'.");
        var options = adjust is null ? checkpoint.Options : adjust(checkpoint.Options);
        var trainer = new GsdmTrainer(problem, checkpoint.ModelConfig, options, diffusion);
        trainer.Restore(checkpoint);
        trainer.LastCheckpoint = path;
        trainer.LastCheckpointStep = checkpoint.Step;
        return trainer;
    }

    /// <summary>
    /// Takes one training step and returns its loss. A non-finite loss or gradient raises
    /// <see cref="TrainingDivergedException"/> before anything is updated.
    /// </summary>
    public double TrainStep()
    {
        if (Ema.IsSwappedIn) throw new InvalidOperationException("the EMA weights are swapped in; dispose the Apply() scope before training.");
        if (!_clock.IsRunning) StartClock();
        double loss, norm;
        using (OnDevice())
        using (TensorScope.Begin())
        {
            var batch = Problem.Sample(Options.BatchSize, StepSeeds.Data(Options.Seed, Step));
            var generator = new Generator(StepSeeds.Noise(Options.Seed, Step));
            var x0 = Model.Config.DType == Backends.DType.F32 ? batch.Data : batch.Data.To(Model.Config.DType);
            var noise = Tensor.Randn(x0.Shape, generator, x0.DType);
            var t = TimestepSampling.Antithetic(x0.Dim(0), Diffusion.Timesteps, generator);
            var mask = batch.ObservedFeatures.To(x0.DType);
            Optimizer.ZeroGrad();
            if (Categorical is null && Options.CaptureSteps)
            {
                loss = CapturedLossAndBackward(x0, t, noise, mask);
                if (!double.IsFinite(loss)) Diverged(loss, double.NaN);
            }
            else
            {
                var lossTensor = Categorical is null
                    ? Diffusion.Loss(Model, x0, t, noise, mask)
                    : Categorical.Loss(Model, x0, t.Select(s => s + 1).ToArray(), Tensor.Rand(x0.Shape, generator, x0.DType), noise, mask);
                loss = lossTensor.Item();
                if (!double.IsFinite(loss)) Diverged(loss, double.NaN);
                lossTensor.Backward();
            }
            norm = Options.GradClip > 0 ? GradClipping.ClipGradNorm(Model.Parameters(), Options.GradClip) : GradNorm();
            if (!double.IsFinite(norm)) Diverged(loss, norm);
            Optimizer.Step();
            Ema.Update();
            Optimizer.ZeroGrad();
        }
        Step++;
        LastLoss = loss;
        LastGradNorm = norm;
        _windowLoss += loss;
        _windowSteps++;
        if (Options.LogEvery > 0 && Step % Options.LogEvery == 0) Report();
        if (Options.ValidateEvery > 0 && Step % Options.ValidateEvery == 0) Validate();
        if (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0) SaveCheckpoint(Options.CheckpointPath!);
        return loss;
    }

    /// <summary>
    /// Trains until <see cref="TrainerOptions.Steps"/> steps have been taken (or <paramref name="cancel"/> fires), then
    /// writes the final checkpoint when <see cref="TrainerOptions.CheckpointPath"/> is set. Returns the steps taken.
    /// </summary>
    public int Train(CancellationToken cancel = default)
    {
        int start = Step;
        StartClock();
        while (Step < Options.Steps && !cancel.IsCancellationRequested) TrainStep();
        if (_windowSteps > 0) Report();
        if (Options.CheckpointPath is not null && LastCheckpointStep != Step) SaveCheckpoint(Options.CheckpointPath);
        return Step - start;
    }

    /// <summary>
    /// Samples <paramref name="batch"/> (default: <see cref="ValidationData"/>) with the EMA weights and the sampler of
    /// <see cref="TrainerOptions.ValidationSampling"/>, scores the samples with the problem's metrics, raises
    /// <see cref="Validated"/> and returns the result.
    /// </summary>
    public ValidationResult Validate(ProblemBatch? batch = null)
    {
        var clock = Stopwatch.StartNew();
        MetricReport metrics;
        using (OnDevice())
        using (TensorScope.Begin())
        {
            batch ??= ValidationData?.Invoke() ?? Problem.Sample(Options.ValidationBatch, Options.ValidationSeed);
            using (Ema.Apply())
                metrics = Problem.Evaluate(SampleWith(batch, Options.ValidationSampling), batch);
        }
        var result = new ValidationResult(Step, metrics, clock.Elapsed.TotalSeconds);
        Validated?.Invoke(result);
        return result;
    }

    /// <summary>Draws samples for <paramref name="conditioning"/> with the EMA weights (see <see cref="ProblemSampling"/>).</summary>
    public Tensor Sample(ProblemBatch conditioning, SamplingOptions? options = null)
    {
        using (OnDevice())
        using (Ema.Apply())
            return SampleWith(conditioning, options ?? Options.ValidationSampling);
    }

    /// <summary>Makes <see cref="TrainerOptions.Device"/> the default of creation ops for a block.</summary>
    private DeviceScope OnDevice() => Device.Use(Options.Device);

    private Tensor SampleWith(ProblemBatch conditioning, SamplingOptions options) =>
        Categorical is null
            ? ProblemSampling.Sample(Model, Diffusion, conditioning, options)
            : ProblemSampling.Sample(Model, Categorical, conditioning, options);

    /// <summary>Writes a <see cref="TrainerCheckpoint"/> of the current state to <paramref name="path"/> (atomically).</summary>
    public void SaveCheckpoint(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Ema.IsSwappedIn) throw new InvalidOperationException("the EMA weights are swapped in; dispose the Apply() scope before saving.");
        var names = Model.NamedParameters().Select(p => p.Name).ToArray();
        var adam = Optimizer.ExportState();
        using (TensorScope.Begin())
        {
            new TrainerCheckpoint
            {
                Step = Step,
                AdamStep = adam.StepCount,
                Problem = Problem.Name,
                ModelConfig = Model.Config,
                Options = Options,
                Model = Model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter),
                Ema = Ema.ShadowState(),
                AdamFirst = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => adam.FirstMoments[p.i]),
                AdamSecond = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => adam.SecondMoments[p.i]),
            }.Save(path);
        }
        LastCheckpoint = path;
        LastCheckpointStep = Step;
    }

    private void Restore(TrainerCheckpoint checkpoint)
    {
        var names = Model.NamedParameters().Select(p => p.Name).ToArray();
        Tensor Moment(IReadOnlyDictionary<string, Tensor> part, string name, string what) =>
            part.TryGetValue(name, out var t) ? t : throw new CheckpointException(name, $"the checkpoint has no Adam {what} moment for it.");
        Model.LoadStateDict(checkpoint.Model);
        Ema.LoadShadowState(checkpoint.Ema);
        Optimizer.ImportState(new AdamState(
            names.Select(n => Moment(checkpoint.AdamFirst, n, "first")).ToArray(),
            names.Select(n => Moment(checkpoint.AdamSecond, n, "second")).ToArray(),
            checkpoint.AdamStep));
        Step = checkpoint.Step;
    }

    /// <summary>
    /// The Gaussian loss of this batch, with the parameters' gradients set: the step captured on first use (and again
    /// when the parameters were given new memory), replayed afterwards on the draws copied into <see cref="_lossBatch"/>.
    /// </summary>
    private double CapturedLossAndBackward(Tensor x0, IReadOnlyList<int> t, Tensor noise, Tensor mask)
    {
        if (_lossBatch is null || _lossBatch.Batch != x0.Dim(0) || _lossBatch.Width != x0.Dim(1))
        {
            _captured?.Dispose();
            _captured = null;
            _lossBatch = new GaussianLossBatch(x0.Dim(0), x0.Dim(1), x0.DType);
        }
        _lossBatch.Set(Diffusion, x0, t, noise, mask);
        if (_captured is { IsCurrent: true }) _captured.Replay();
        else
        {
            _captured?.Dispose();
            var batch = _lossBatch;
            _captured = CapturedStep.Capture(() =>
            {
                var loss = Diffusion.Loss(Model, batch);
                loss.Backward();
                return loss;
            }, Model.Parameters());
        }
        return _captured.Output!.Item();
    }

    private double GradNorm()
    {
        double sum = 0;
        using (GradMode.Disable())
            foreach (var p in Model.Parameters())
                if (p.Grad is { } g) sum += g.To(Backends.DType.F64).Square().Sum().Item();
        return Math.Sqrt(sum);
    }

    private void Diverged(double loss, double norm)
    {
        Optimizer.ZeroGrad();
        throw new TrainingDivergedException(Step, loss, norm, LastCheckpoint, LastCheckpointStep);
    }

    private void StartClock()
    {
        if (_clock.IsRunning) return;
        _clock.Start();
        _windowStart = _clock.ElapsedTicks;
        _windowLoss = 0;
        _windowSteps = 0;
    }

    private void Report()
    {
        long now = _clock.ElapsedTicks;
        double seconds = (now - _windowStart) / (double)Stopwatch.Frequency;
        var progress = new TrainingProgress(Step, LastLoss, _windowLoss / Math.Max(1, _windowSteps), LastGradNorm,
            seconds > 0 ? _windowSteps / seconds : double.PositiveInfinity);
        _windowStart = now;
        _windowLoss = 0;
        _windowSteps = 0;
        Progress?.Invoke(progress);
    }
}
