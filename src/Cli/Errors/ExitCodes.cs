namespace GsdmCore.Cli.Errors;

/// <summary>The process exit codes of <c>gsdm</c>.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;
    /// <summary>The command failed while running (e.g. training diverged).</summary>
    public const int Failure = 1;
    /// <summary>Bad input: unknown command or option, bad value, bad puzzle, missing or unsuitable checkpoint, no GPU.</summary>
    public const int BadInput = 2;
    /// <summary>Interrupted by Ctrl-C (SIGINT) or SIGTERM; training saved a checkpoint first.</summary>
    public const int Interrupted = 130;
}
