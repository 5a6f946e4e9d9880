using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace GsdmCore.Cli.Help;

/// <summary>The <c>--help</c> action: System.CommandLine's help text, then an "Examples:" section for the command.</summary>
public sealed class ExamplesHelpAction(HelpAction inner) : SynchronousCommandLineAction
{
    /// <summary>Help is shown even when the rest of the command line has errors.</summary>
    public override bool ClearsParseErrors => true;

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        int code = inner.Invoke(parseResult);
        var examples = CommandExamples.Of(parseResult.CommandResult.Command);
        if (examples.Count == 0) return code;
        var output = parseResult.InvocationConfiguration.Output;
        output.WriteLine("Examples:");
        foreach (var example in examples) output.WriteLine($"  {example}");
        output.WriteLine();
        return code;
    }

    /// <summary>Puts this action on every help option of <paramref name="root"/> and its subcommands.</summary>
    public static void Install(Command root)
    {
        foreach (var command in Walk(root))
            foreach (var option in command.Options.OfType<HelpOption>())
                if (option.Action is HelpAction help) option.Action = new ExamplesHelpAction(help);
    }

    private static IEnumerable<Command> Walk(Command command) => command.Subcommands.SelectMany(Walk).Prepend(command);
}
