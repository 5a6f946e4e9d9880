namespace GsdmCore.Nn;

/// <summary>A checkpoint that cannot be read or does not fit the model: the message names the file problem or the tensor.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>The tensor concerned, or null for a problem with the file as a whole.</summary>
    public string? TensorName { get; }

    /// <summary>Creates the exception.</summary>
    public CheckpointException(string? tensorName, string message, Exception? inner = null)
        : base(tensorName == null ? $"checkpoint: {message}" : $"checkpoint tensor '{tensorName}': {message}", inner) => TensorName = tensorName;
}
