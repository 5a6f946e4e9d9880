using System.CommandLine;

namespace GsdmCore.Cli.ProblemSetup;

/// <summary>The command-line options that choose a problem and its size (shared by <c>train</c> and <c>check-invariance</c>).</summary>
public sealed class ProblemOptions
{
    /// <summary>--problem sudoku|sorting|bcmf|boolean.</summary>
    public Option<string?> Problem { get; } = new("--problem", "-p")
    {
        Description = "The problem: sudoku, sorting, bcmf or boolean.",
        HelpName = "sudoku|sorting|bcmf|boolean",
    };

    /// <summary>--block RxC (Sudoku).</summary>
    public Option<string?> Block { get; } = new("--block") { Description = "Sudoku block shape rows x columns: 2x2 (4x4 grid), 2x3, 3x3 (9x9, default).", HelpName = "RxC" };

    /// <summary>--n (sorting length, BCMF rows).</summary>
    public Option<int?> N { get; } = new("--n") { Description = "Sorting: number of values (default 10). BCMF: rows of E (default 10)." };

    /// <summary>--t (BCMF rank).</summary>
    public Option<int?> T { get; } = new("--t") { Description = "BCMF: rank t, the plate of exchangeable terms (default 5)." };

    /// <summary>--m (BCMF columns).</summary>
    public Option<int?> M { get; } = new("--m") { Description = "BCMF: columns of E (default 10)." };

    /// <summary>--depth (Boolean).</summary>
    public Option<int?> Depth { get; } = new("--depth") { Description = "Boolean: circuit depth, 2^depth inputs (default 4)." };

    /// <summary>--intermediates (sorting, BCMF, Boolean).</summary>
    public Option<bool?> Intermediates { get; } = new("--intermediates")
    {
        Description = "Sorting, BCMF, Boolean: model the intermediate variables (true, default) or leave them out (false).",
        HelpName = "true|false",
    };

    /// <summary>--gate-seed (Boolean).</summary>
    public Option<ulong?> GateSeed { get; } = new("--gate-seed") { Description = "Boolean: seed of the gate types (default 1)." };

    /// <summary>Every option, for adding to a command.</summary>
    public IEnumerable<Option> All => [Problem, Block, N, T, M, Depth, Intermediates, GateSeed];

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    /// <summary>True when any problem or size option was given.</summary>
    public bool AnyGiven(ParseResult result) => All.Any(o => result.GetResult(o) is { Implicit: false });
}
