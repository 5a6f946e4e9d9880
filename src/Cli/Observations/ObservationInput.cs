using GsdmCore.Cli.Errors;
using GsdmCore.Problems;

namespace GsdmCore.Cli.Observations;

/// <summary>
/// Turns <c>--observe</c> / <c>--observe-file</c> into the batch that conditions sampling: Sudoku puzzles as text,
/// other problems as the values of their observed variables. Null when neither option is given.
/// </summary>
public static class ObservationInput
{
    /// <summary>The conditioning batch (each instance repeated <paramref name="count"/> times), or null.</summary>
    public static ProblemBatch? Read(IProblem problem, string? observe, string? observeFile, int count)
    {
        if (observe is not null && observeFile is not null) throw new UsageException("give either --observe or --observe-file, not both.");
        if (observe is null && observeFile is null) return null;
        string source = observe is not null ? "--observe" : $"--observe-file '{observeFile}'";
        string text = observe ?? ReadFile(observeFile!);
        bool single = observe is not null;
        if (problem is SudokuProblem sudoku)
        {
            var puzzles = single ? [SudokuClues.Parse(sudoku, text, source)] : SudokuClues.ParseMany(sudoku, StripComments(text), source);
            return ConditioningBuilder.Sudoku(sudoku, puzzles, count);
        }
        return ConditioningBuilder.Values(problem, ValueObservation.ParseMany(problem, StripComments(text), source, single), count);
    }

    private static string ReadFile(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--observe-file: no file '{path}'.");
        return File.ReadAllText(path);
    }

    private static string StripComments(string text) =>
        string.Join("\n", text.Split('\n').Where(line => !line.TrimStart().StartsWith('#')));
}
