using GsdmCore.Cli.Errors;
using GsdmCore.Diffusion;

namespace GsdmCore.Cli.Settings;

/// <summary>Parses the model choices of the command line: diffusion, node embeddings, attention kernel, device.</summary>
public static class ModelChoices
{
    /// <summary>Parses <c>--diffusion gaussian|multinomial|absorbing</c> (default gaussian). Categorical nodes
    /// follow the chosen process; continuous nodes always diffuse under Gaussian noise.</summary>
    public static DiffusionKind Diffusion(string? text) => (text ?? "gaussian").Trim().ToLowerInvariant() switch
    {
        "gaussian" => DiffusionKind.Gaussian,
        "multinomial" or "uniform" => DiffusionKind.Multinomial,
        "absorbing" or "mask" => DiffusionKind.Absorbing,
        _ => throw new UsageException($"unknown --diffusion '{text}'; use gaussian, multinomial or absorbing."),
    };

    /// <summary>Parses <c>--embeddings ie|ae|ee</c> (default EE).</summary>
    public static EmbeddingVariant Embeddings(string? text) => (text ?? "ee").Trim().ToLowerInvariant() switch
    {
        "ie" or "independent" => EmbeddingVariant.Independent,
        "ae" or "array" => EmbeddingVariant.Array,
        "ee" or "exchangeable" => EmbeddingVariant.Exchangeable,
        _ => throw new UsageException($"unknown --embeddings '{text}'; use ie (independent), ae (array) or ee (exchangeable)."),
    };

    /// <summary>The short name of an embedding variant.</summary>
    public static string Name(EmbeddingVariant variant) => variant switch
    {
        EmbeddingVariant.Independent => "ie",
        EmbeddingVariant.Array => "ae",
        _ => "ee",
    };

    /// <summary>Parses <c>--attention sparse|dense|masked|linear</c> (default sparse).</summary>
    public static AttentionKind Attention(string? text) => (text ?? "sparse").Trim().ToLowerInvariant() switch
    {
        "sparse" => AttentionKind.Sparse,
        "dense" => AttentionKind.Dense,
        "masked" or "masked-dense" => AttentionKind.MaskedDense,
        "linear" => AttentionKind.Linear,
        _ => throw new UsageException($"unknown --attention '{text}'; use sparse, dense, masked or linear."),
    };

    /// <summary>The short name of an attention kind.</summary>
    public static string Name(AttentionKind kind) => kind switch
    {
        AttentionKind.MaskedDense => "masked",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// Parses <c>--device cpu|cuda|cuda:N</c> (default cpu; the hidden <c>ilgpu-cpu</c> runs the GPU kernels on host
    /// threads, for tests). A CUDA device that is not present raises the device error (one line, exit code 2).
    /// </summary>
    public static Device Device(string? text)
    {
        string value = (text ?? "cpu").Trim().ToLowerInvariant();
        if (value != "cpu" && value != "cuda" && value != "ilgpu-cpu" && !value.StartsWith("cuda:", StringComparison.Ordinal))
            throw new UsageException($"unknown --device '{text}'; use cpu or cuda (cuda:N for GPU N).");
        return GsdmCore.Device.Parse(value); // no GPU: TensorDeviceException with the driver's reason
    }
}
