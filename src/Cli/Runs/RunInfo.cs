using System.Text.Json;
using System.Text.Json.Serialization;
using GsdmCore.Cli.Errors;
using GsdmCore.Cli.ProblemSetup;

namespace GsdmCore.Cli.Runs;

/// <summary>
/// <c>run.json</c> beside a checkpoint: what the checkpoint alone does not say about the run (the problem's full spec,
/// e.g. a Boolean circuit's gate seed, and the diffusion), so that <c>sample</c>, <c>eval</c> and <c>--resume</c>
/// rebuild exactly the problem that was trained.
/// </summary>
public sealed record RunInfo
{
    /// <summary>The format tag.</summary>
    public const string CurrentFormat = "gsdm-run/1";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The format tag, <see cref="CurrentFormat"/>.</summary>
    public string Format { get; init; } = CurrentFormat;
    /// <summary>The problem's name (as stored in the checkpoint).</summary>
    public required string ProblemName { get; init; }
    /// <summary>The problem and its size.</summary>
    public required ProblemSpec Problem { get; init; }
    /// <summary>The diffusion process of the categorical nodes ("gaussian", "multinomial" or "absorbing"); the checkpoint holds the authoritative value.</summary>
    public string Diffusion { get; init; } = "gaussian";

    /// <summary>Writes the file.</summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>Reads the file; a damaged one raises <see cref="UsageException"/>.</summary>
    public static RunInfo Load(string path)
    {
        try
        {
            var info = JsonSerializer.Deserialize<RunInfo>(File.ReadAllText(path), Json)
                ?? throw new UsageException($"'{path}' is empty.");
            if (info.Format != CurrentFormat) throw new UsageException($"'{path}' has format '{info.Format}', expected '{CurrentFormat}'.");
            return info;
        }
        catch (JsonException e)
        {
            throw new UsageException($"'{path}' is not a valid run description: {e.Message}", e);
        }
    }
}
