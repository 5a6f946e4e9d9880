using GsdmCore.Cli;
using GsdmCore.Cli.Training;
using Spectre.Console;

var console = AnsiConsole.Console;
if (Console.IsOutputRedirected) console.Profile.Width = 160; // a log file or a pipe: do not wrap at 80 columns
using var signal = new CancelSignal();
return CliApp.Run(args, console, Console.Out, Console.Error, signal);
