using System.Globalization;
using System.Text.RegularExpressions;
using GsdmCore.Cli.Errors;
using GsdmCore.Problems;

namespace GsdmCore.Cli.ProblemSetup;

/// <summary>
/// A problem and its size, as given on the command line or stored in a run's <c>run.json</c>; <see cref="Create"/>
/// builds the <see cref="IProblem"/>. Sizes left null take the problem's defaults (Sudoku 3x3, sorting n = 10,
/// BCMF t = 5, n = m = 10, Boolean depth 4; intermediates on).
/// </summary>
public sealed partial record ProblemSpec
{
    /// <summary>The problem.</summary>
    public ProblemKind Kind { get; init; }
    /// <summary>Sudoku block shape "RxC" (e.g. "2x2" for 4x4 grids).</summary>
    public string? Block { get; init; }
    /// <summary>Sorting: number of values; BCMF: rows of E.</summary>
    public int? N { get; init; }
    /// <summary>BCMF rank.</summary>
    public int? T { get; init; }
    /// <summary>BCMF columns of E.</summary>
    public int? M { get; init; }
    /// <summary>Boolean circuit depth.</summary>
    public int? Depth { get; init; }
    /// <summary>Keep the intermediate variables (sorting, BCMF, Boolean).</summary>
    public bool? Intermediates { get; init; }
    /// <summary>Seed of the Boolean circuit's gate types.</summary>
    public ulong? GateSeed { get; init; }

    /// <summary>The problem's name on the command line.</summary>
    public static string KindName(ProblemKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Parses a problem name (sudoku, sorting, bcmf, boolean).</summary>
    public static ProblemKind ParseKind(string text) => text.Trim().ToLowerInvariant() switch
    {
        "sudoku" => ProblemKind.Sudoku,
        "sorting" or "sort" => ProblemKind.Sorting,
        "bcmf" => ProblemKind.Bcmf,
        "boolean" or "bool" => ProblemKind.Boolean,
        _ => throw new UsageException($"unknown problem '{text}'; use sudoku, sorting, bcmf or boolean."),
    };

    /// <summary>Throws <see cref="UsageException"/> when a size option does not belong to <see cref="Kind"/>.</summary>
    public void CheckOptionsFitKind()
    {
        void Only(bool given, string option, params ProblemKind[] kinds)
        {
            if (given && !kinds.Contains(Kind))
                throw new UsageException($"{option} does not apply to {KindName(Kind)}; it is an option of {string.Join(" and ", kinds.Select(KindName))}.");
        }
        Only(Block is not null, "--block", ProblemKind.Sudoku);
        Only(N is not null, "--n", ProblemKind.Sorting, ProblemKind.Bcmf);
        Only(T is not null, "--t", ProblemKind.Bcmf);
        Only(M is not null, "--m", ProblemKind.Bcmf);
        Only(Depth is not null, "--depth", ProblemKind.Boolean);
        Only(GateSeed is not null, "--gate-seed", ProblemKind.Boolean);
        Only(Intermediates is not null, "--intermediates", ProblemKind.Sorting, ProblemKind.Bcmf, ProblemKind.Boolean);
    }

    /// <summary>Builds the problem; bad sizes raise <see cref="UsageException"/>.</summary>
    public IProblem Create()
    {
        CheckOptionsFitKind();
        try
        {
            return Kind switch
            {
                ProblemKind.Sudoku => CreateSudoku(),
                ProblemKind.Sorting => new SortingProblem(Positive(N ?? 10, "--n"), Intermediates ?? true),
                ProblemKind.Bcmf => new BcmfProblem(Positive(T ?? 5, "--t"), Positive(N ?? 10, "--n"), Positive(M ?? 10, "--m"), Intermediates ?? true),
                ProblemKind.Boolean => new BooleanCircuitProblem(Positive(Depth ?? 4, "--depth"), Intermediates ?? true, GateSeed ?? 1),
                _ => throw new UsageException($"unknown problem kind {Kind}."),
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new UsageException($"{KindName(Kind)}: {FirstLine(e.Message)}", e);
        }
    }

    private SudokuProblem CreateSudoku()
    {
        var (rows, cols) = ParseBlock(Block ?? "3x3");
        return new SudokuProblem(rows, cols);
    }

    /// <summary>Parses "RxC" into block rows and columns.</summary>
    public static (int Rows, int Cols) ParseBlock(string text)
    {
        var match = BlockPattern().Match(text.Trim());
        if (!match.Success)
            throw new UsageException($"--block '{text}' is not a block shape; write rows x columns, e.g. 2x2 (4x4 grid) or 3x3 (9x9 grid).");
        int rows = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        int cols = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (rows < 1 || cols < 1 || rows * cols < 2 || rows * cols > 16)
            throw new UsageException($"--block {text} gives a side of {rows * cols}; the CLI takes sides 2..16 (e.g. 2x2, 2x3, 3x3, 4x4).");
        return (rows, cols);
    }

    /// <summary>
    /// Recovers the spec from a problem name as written by the problems ("sudoku-2x2", "sorting-n10", "bcmf-t5-n10-m10",
    /// "boolean-d4", each optionally ending in "-noint"); null when the name is not one of these.
    /// </summary>
    public static ProblemSpec? FromName(string name)
    {
        bool noint = name.EndsWith("-noint", StringComparison.Ordinal);
        string core = noint ? name[..^6] : name;
        bool? inter = noint ? false : null;
        Match m;
        if ((m = SudokuName().Match(core)).Success) return noint ? null : new ProblemSpec { Kind = ProblemKind.Sudoku, Block = m.Groups[1].Value };
        if ((m = SortingName().Match(core)).Success) return new ProblemSpec { Kind = ProblemKind.Sorting, N = Int(m, 1), Intermediates = inter };
        if ((m = BcmfName().Match(core)).Success) return new ProblemSpec { Kind = ProblemKind.Bcmf, T = Int(m, 1), N = Int(m, 2), M = Int(m, 3), Intermediates = inter };
        if ((m = BooleanName().Match(core)).Success) return new ProblemSpec { Kind = ProblemKind.Boolean, Depth = Int(m, 1), Intermediates = inter };
        return null;
    }

    private static int Int(Match m, int group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    private static int Positive(int value, string option) =>
        value >= 1 ? value : throw new UsageException($"{option} must be at least 1, got {value}.");

    private static string FirstLine(string message) => message.Split('\n')[0].Split(" (Parameter")[0].Trim();

    [GeneratedRegex(@"^(\d+)\s*[xX]\s*(\d+)$")]
    private static partial Regex BlockPattern();
    [GeneratedRegex(@"^sudoku-(\d+x\d+)$")]
    private static partial Regex SudokuName();
    [GeneratedRegex(@"^sorting-n(\d+)$")]
    private static partial Regex SortingName();
    [GeneratedRegex(@"^bcmf-t(\d+)-n(\d+)-m(\d+)$")]
    private static partial Regex BcmfName();
    [GeneratedRegex(@"^boolean-d(\d+)$")]
    private static partial Regex BooleanName();
}
