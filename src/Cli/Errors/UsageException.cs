namespace GsdmCore.Cli.Errors;

/// <summary>
/// Bad input to the CLI (an option value, a puzzle, a config file, a checkpoint that does not fit): the message is
/// printed as one line on stderr and the process exits with <see cref="ExitCodes.BadInput"/>.
/// </summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception with a message that names the input at fault and the fix.</summary>
    public UsageException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
