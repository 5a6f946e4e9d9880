namespace GsdmCore.Cli.ProblemSetup;

/// <summary>The problems the CLI can build.</summary>
public enum ProblemKind
{
    /// <summary>Sudoku of any block shape (<c>--block RxC</c>).</summary>
    Sudoku,
    /// <summary>Sorting <c>--n</c> values.</summary>
    Sorting,
    /// <summary>Binary-continuous matrix factorisation (<c>--t</c>, <c>--n</c>, <c>--m</c>).</summary>
    Bcmf,
    /// <summary>Boolean circuits of <c>--depth</c> layers.</summary>
    Boolean,
}
