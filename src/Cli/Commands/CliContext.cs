using GsdmCore.Cli.Training;
using Spectre.Console;

namespace GsdmCore.Cli.Commands;

/// <summary>What every command runs with: the console for output, stderr for errors, and the Ctrl-C handling.</summary>
/// <param name="Console">Standard output (Spectre.Console; plain text when redirected).</param>
/// <param name="Out">Standard output for lines that must stay whole (never wrapped to the console width).</param>
/// <param name="Error">Standard error.</param>
/// <param name="Interrupts">Turns Ctrl-C / SIGTERM into a cancellation while training runs.</param>
public sealed record CliContext(IAnsiConsole Console, TextWriter Out, TextWriter Error, CancelSignal Interrupts);
