using System.CommandLine;
using GsdmCore.Cli.Commands;
using GsdmCore.Cli.Errors;
using GsdmCore.Cli.Help;
using GsdmCore.Cli.Training;
using Spectre.Console;

namespace GsdmCore.Cli;

/// <summary>
/// The <c>gsdm</c> command line: builds the command tree (System.CommandLine), runs the chosen command, and turns
/// parse errors and exceptions into one stderr line and an exit code (2 for bad input) instead of a stack trace.
/// </summary>
public static class CliApp
{
    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("gsdm: train and sample Graphically Structured Diffusion Models (Weilbach et al., ICML 2023) on the CPU.");
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(TrainCommand.Create(context));
        root.Subcommands.Add(SampleCommand.Create(context));
        root.Subcommands.Add(EvalCommand.Create(context));
        root.Subcommands.Add(CheckInvarianceCommand.Create(context));
        root.WithExamples(
            "gsdm demo                                         train a 4x4 Sudoku model (< 3 min) and solve puzzles",
            "gsdm train --problem sorting --n 5 --steps 500   train on another problem",
            "gsdm sample --checkpoint runs/demo --observe \"1... ..3. .2.. ...4\"",
            "gsdm eval --checkpoint runs/demo",
            "gsdm check-invariance --problem bcmf --embeddings ee",
            "gsdm <command> --help                             options of a command");
        ExamplesHelpAction.Install(root);
        return root;
    }

    /// <summary>Runs the command line <paramref name="args"/>; returns the exit code.</summary>
    public static int Run(string[] args, IAnsiConsole console, TextWriter stdout, TextWriter stderr, CancelSignal interrupts)
    {
        var context = new CliContext(console, stdout, stderr, interrupts);
        try
        {
            var root = Build(context);
            if (args.Length == 0)
            {
                // No command: show what there is, as for --help, but as a usage error.
                root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
                return ExitCodes.BadInput;
            }
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0 && !(parse.Action?.ClearsParseErrors ?? false))
            {
                string command = string.Join(' ', CommandPath(parse.CommandResult.Command));
                // An unrecognised token explains more than the "required command" error it causes.
                var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
                stderr.WriteLine($"gsdm: {error.Message.TrimEnd('.')} (see '{command} --help')");
                return ExitCodes.BadInput;
            }
            var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return parse.Invoke(invocation);
        }
        catch (Exception e)
        {
            return ErrorReport.Handle(e, stderr);
        }
    }

    private static IEnumerable<string> CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
            names.Insert(0, c is RootCommand ? "gsdm" : c.Name);
        return names;
    }
}
