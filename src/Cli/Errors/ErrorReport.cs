using GsdmCore.Diffusion;
using GsdmCore.Diffusion.Training;
using GsdmCore.Nn;

namespace GsdmCore.Cli.Errors;

/// <summary>Turns any exception that reaches the top of a command into one stderr line and an exit code (never a stack trace).</summary>
public static class ErrorReport
{
    /// <summary>The exit code for <paramref name="error"/>, after writing its one-line message to <paramref name="stderr"/>.</summary>
    public static int Handle(Exception error, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(stderr);
        var (code, message) = Classify(error);
        stderr.WriteLine($"gsdm: {OneLine(message)}");
        return code;
    }

    /// <summary>The exit code and message of an exception.</summary>
    public static (int Code, string Message) Classify(Exception error) => error switch
    {
        UsageException e => (ExitCodes.BadInput, e.Message),
        CheckpointException e => (ExitCodes.BadInput, e.Message),
        GraphSpecException e => (ExitCodes.BadInput, $"graph: {e.Message}"),
        TensorDeviceException e => (ExitCodes.BadInput, e.Message),
        TensorException e => (ExitCodes.BadInput, e.Message),
        ArgumentException e => (ExitCodes.BadInput, e.Message),
        FileNotFoundException e => (ExitCodes.BadInput, e.Message),
        DirectoryNotFoundException e => (ExitCodes.BadInput, e.Message),
        UnauthorizedAccessException e => (ExitCodes.BadInput, e.Message),
        TrainingDivergedException e => (ExitCodes.Failure, e.Message),
        OperationCanceledException => (ExitCodes.Interrupted, "interrupted."),
        IOException e => (ExitCodes.Failure, $"I/O error: {e.Message}"),
        _ => (ExitCodes.Failure, $"internal error ({error.GetType().Name}): {error.Message}"),
    };

    private static string OneLine(string message) =>
        string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
