using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using GsdmCore.Nn;

namespace GsdmCore.Diffusion.Training;

/// <summary>
/// A trainer checkpoint in one safetensors file: the model parameters (<c>model.*</c>), the EMA shadow weights
/// (<c>ema.*</c>), Adam's moments (<c>adam_m.*</c>, <c>adam_v.*</c>), and as metadata the format, the trainer step,
/// Adam's step count, the problem's name, the random-stream state (the seed; every stream is keyed by (seed, step)),
/// the network config and the trainer options as JSON.
/// </summary>
public sealed class TrainerCheckpoint
{
    /// <summary>The format tag written to and required in the metadata.</summary>
    public const string Format = "gsdmcore-trainer/1";

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Trainer steps taken.</summary>
    public required int Step { get; init; }
    /// <summary>Adam's step count.</summary>
    public required int AdamStep { get; init; }
    /// <summary>The problem's name.</summary>
    public required string Problem { get; init; }
    /// <summary>The network's architecture.</summary>
    public required GsdmDenoiserConfig ModelConfig { get; init; }
    /// <summary>The trainer options.</summary>
    public required TrainerOptions Options { get; init; }
    /// <summary>Model parameters by name.</summary>
    public required IReadOnlyDictionary<string, Tensor> Model { get; init; }
    /// <summary>EMA shadow weights by parameter name.</summary>
    public required IReadOnlyDictionary<string, Tensor> Ema { get; init; }
    /// <summary>Adam first moments by parameter name.</summary>
    public required IReadOnlyDictionary<string, Tensor> AdamFirst { get; init; }
    /// <summary>Adam second moments by parameter name.</summary>
    public required IReadOnlyDictionary<string, Tensor> AdamSecond { get; init; }

    /// <summary>Writes the checkpoint to <paramref name="path"/> (atomically).</summary>
    public void Save(string path)
    {
        var tensors = new Dictionary<string, Tensor>();
        void Add(string prefix, IReadOnlyDictionary<string, Tensor> part)
        {
            foreach (var (name, t) in part) tensors[prefix + name] = t;
        }
        Add("model.", Model);
        Add("ema.", Ema);
        Add("adam_m.", AdamFirst);
        Add("adam_v.", AdamSecond);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["step"] = Step.ToString(CultureInfo.InvariantCulture),
            ["adam_step"] = AdamStep.ToString(CultureInfo.InvariantCulture),
            ["problem"] = Problem,
            ["rng"] = $"{{\"seed\":{Options.Seed},\"streams\":\"data=StepSeeds.Data(seed,step), noise=StepSeeds.Noise(seed,step)\"}}",
            ["model_config"] = JsonSerializer.Serialize(ModelConfig, Json),
            ["trainer_options"] = JsonSerializer.Serialize(Options, Json),
        };
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>; a wrong or damaged file raises <see cref="CheckpointException"/>.</summary>
    public static TrainerCheckpoint Load(string path)
    {
        var content = SafeTensors.Load(path);
        var meta = content.Metadata;
        string Meta(string key) => meta.TryGetValue(key, out var v) ? v
            : throw new CheckpointException(null, $"'{path}' is not a trainer checkpoint: its metadata has no '{key}'.");
        if (Meta("format") != Format)
            throw new CheckpointException(null, $"'{path}' has format '{meta["format"]}', expected '{Format}'.");
        Dictionary<string, Tensor> Part(string prefix) => content.Tensors
            .Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Key[prefix.Length..], p => p.Value);
        try
        {
            return new TrainerCheckpoint
            {
                Step = int.Parse(Meta("step"), CultureInfo.InvariantCulture),
                AdamStep = int.Parse(Meta("adam_step"), CultureInfo.InvariantCulture),
                Problem = Meta("problem"),
                ModelConfig = JsonSerializer.Deserialize<GsdmDenoiserConfig>(Meta("model_config"), Json)
                    ?? throw new CheckpointException(null, $"'{path}': model_config is null."),
                Options = JsonSerializer.Deserialize<TrainerOptions>(Meta("trainer_options"), Json)
                    ?? throw new CheckpointException(null, $"'{path}': trainer_options is null."),
                Model = Part("model."),
                Ema = Part("ema."),
                AdamFirst = Part("adam_m."),
                AdamSecond = Part("adam_v."),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or JsonException)
        {
            throw new CheckpointException(null, $"'{path}' has unreadable metadata: {e.Message}", e);
        }
    }
}
