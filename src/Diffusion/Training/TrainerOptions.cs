namespace GsdmCore.Diffusion.Training;

/// <summary>
/// How <see cref="GsdmTrainer"/> trains. Defaults follow the reference where it has one setting for every task
/// (Adam betas 0.9 / 0.999, eps 1e-8, grad-norm clip 1, EMA 0.999, learning rate 2e-5); see
/// <see cref="ReferenceSettings"/> for the per-problem values.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>Adam step size (reference: 2e-5, sorting 2e-4).</summary>
    public double LearningRate { get; init; } = 2e-5;
    /// <summary>Adam beta1.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>Adam beta2.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>Adam eps.</summary>
    public double Eps { get; init; } = 1e-8;
    /// <summary>Global gradient 2-norm clip (reference: 1); 0 or less turns clipping off.</summary>
    public double GradClip { get; init; } = 1.0;
    /// <summary>
    /// Whether a Gaussian training step's forward and backward pass are captured once and replayed afterwards
    /// (<see cref="CapturedStep"/>): the same results, bit for bit, without rebuilding the graph every step. Steps that
    /// cannot be captured (categorical diffusion) run eagerly whatever this says.
    /// </summary>
    public bool CaptureSteps { get; init; } = true;
    /// <summary>EMA decay of the weights used for sampling (reference: 0.999; sorting 0.5, Boolean 0.99).</summary>
    public double EmaDecay { get; init; } = 0.999;
    /// <summary>Data per step.</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>The step count <see cref="GsdmTrainer.Train"/> runs up to (counting steps already taken).</summary>
    public int Steps { get; init; } = 1000;
    /// <summary>Seed of the data and noise: step s draws its batch and its diffusion noise from streams keyed by (Seed, s).</summary>
    public ulong Seed { get; init; }
    /// <summary>Steps between progress reports (0: none).</summary>
    public int LogEvery { get; init; } = 10;
    /// <summary>Steps between validations (0: none).</summary>
    public int ValidateEvery { get; init; }
    /// <summary>Data per validation batch.</summary>
    public int ValidationBatch { get; init; } = 16;
    /// <summary>Seed of the validation data (fixed, so validations are comparable).</summary>
    public ulong ValidationSeed { get; init; } = 0x5EED;
    /// <summary>How validation samples (with the EMA weights): DDIM with few steps by default, for speed.</summary>
    public SamplingOptions ValidationSampling { get; init; } = new();
    /// <summary>Steps between checkpoints (0: only at the end); needs <see cref="CheckpointPath"/>.</summary>
    public int CheckpointEvery { get; init; }
    /// <summary>The checkpoint file (safetensors, overwritten atomically), or null for none.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// How categorical nodes are diffused: <see cref="DiffusionKind.Gaussian"/> (one-hot vectors in the Gaussian
    /// diffusion, the reference), <see cref="DiffusionKind.Multinomial"/> or <see cref="DiffusionKind.Absorbing"/>
    /// (a <see cref="CategoricalDiffusion"/> with the default schedule and the Gaussian process's T; continuous nodes stay
    /// Gaussian). With a categorical process the validation sampler is its ancestral sampler.
    /// </summary>
    public DiffusionKind Diffusion { get; init; } = DiffusionKind.Gaussian;
    /// <summary>
    /// Where the network, its optimiser state and each step's data live: <see cref="Device.Cpu"/> (default),
    /// <see cref="Device.Cuda"/> or <see cref="Device.IlgpuCpu"/> (the GPU kernels on host threads, for tests). Not
    /// stored in checkpoints: a run may resume on another device. Seeded randomness is the same on every device.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Device Device { get; init; } = Device.Cpu;
    /// <summary>
    /// D3PM's hybrid cross-entropy weight lambda of a categorical process. Null (default):
    /// <see cref="MixedHybridWeight"/> when the problem has continuous nodes too, 0 (the pure bound) otherwise.
    /// </summary>
    public double? HybridWeight { get; init; }
    /// <summary>
    /// The factor on the categorical nodes' loss (bound and cross-entropy) against the continuous entries' squared
    /// error, for a categorical <see cref="Diffusion"/>. Null (default): <see cref="MixedCategoricalWeight"/> when the
    /// problem has continuous nodes too, 1 otherwise (where the factor only scales the whole loss).
    /// </summary>
    public double? CategoricalWeight { get; init; }

    /// <summary>
    /// The default <see cref="CategoricalWeight"/> of a mixed model. At 1, the categorical bound's single-timestep
    /// estimate (T times one KL term) dominated the clipped gradient. Mixed BCMF 6/5/3 then reached a 12 % higher RMSE
    /// than the all-Gaussian model; with 0.25 and <see cref="MixedHybridWeight"/> it beat the all-Gaussian model on
    /// each of three training seeds (docs/evaluation.md).
    /// </summary>
    public const double MixedCategoricalWeight = 0.25;

    /// <summary>The default <see cref="HybridWeight"/> of a mixed model (see <see cref="MixedCategoricalWeight"/>).</summary>
    public const double MixedHybridWeight = 1;

    /// <summary>The categorical weight in effect for a layout with (<paramref name="mixed"/>) or without continuous entries.</summary>
    public double CategoricalWeightFor(bool mixed) => CategoricalWeight ?? (mixed ? MixedCategoricalWeight : 1);

    /// <summary>The hybrid weight in effect for a layout with (<paramref name="mixed"/>) or without continuous entries.</summary>
    public double HybridWeightFor(bool mixed) => HybridWeight ?? (mixed ? MixedHybridWeight : 0);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new ArgumentException($"TrainerOptions: {message}");
        }
        Require(LearningRate >= 0 && double.IsFinite(LearningRate), $"LearningRate must be a finite number >= 0, got {LearningRate}.");
        Require(Beta1 is >= 0 and < 1 && Beta2 is >= 0 and < 1, $"betas must lie in [0, 1), got {Beta1}, {Beta2}.");
        Require(Eps >= 0, $"Eps cannot be negative, got {Eps}.");
        Require(EmaDecay is >= 0 and <= 1, $"EmaDecay must lie in [0, 1], got {EmaDecay}.");
        Require(BatchSize >= 1, $"BatchSize must be at least 1, got {BatchSize}.");
        Require(Steps >= 0, $"Steps cannot be negative, got {Steps}.");
        Require(LogEvery >= 0 && ValidateEvery >= 0 && CheckpointEvery >= 0, "LogEvery, ValidateEvery and CheckpointEvery cannot be negative.");
        Require(ValidationBatch >= 1, $"ValidationBatch must be at least 1, got {ValidationBatch}.");
        Require(CheckpointEvery == 0 || CheckpointPath is not null, "CheckpointEvery needs a CheckpointPath.");
        Require(Enum.IsDefined(Diffusion), $"unknown diffusion kind {Diffusion}.");
        Require(HybridWeight is null || (HybridWeight >= 0 && double.IsFinite(HybridWeight.Value)), $"HybridWeight must be a finite number >= 0, got {HybridWeight}.");
        Require(CategoricalWeight is null || (CategoricalWeight > 0 && double.IsFinite(CategoricalWeight.Value)), $"CategoricalWeight must be a finite number > 0, got {CategoricalWeight}.");
        ValidationSampling.Validate();
    }
}
