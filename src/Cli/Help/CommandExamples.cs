using System.CommandLine;
using System.Runtime.CompilerServices;

namespace GsdmCore.Cli.Help;

/// <summary>The usage examples of each command, printed after its <c>--help</c> text.</summary>
public static class CommandExamples
{
    private static readonly ConditionalWeakTable<Command, string[]> Examples = new();

    /// <summary>Attaches <paramref name="examples"/> to <paramref name="command"/> and returns the command.</summary>
    public static T WithExamples<T>(this T command, params string[] examples) where T : Command
    {
        Examples.AddOrUpdate(command, examples);
        return command;
    }

    /// <summary>The examples of <paramref name="command"/> (empty when none).</summary>
    public static IReadOnlyList<string> Of(Command command) => Examples.TryGetValue(command, out var e) ? e : [];
}
