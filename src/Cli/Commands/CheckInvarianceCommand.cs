using System.CommandLine;
using GsdmCore.Cli.Errors;
using GsdmCore.Cli.Help;
using GsdmCore.Cli.Output;
using GsdmCore.Cli.ProblemSetup;
using GsdmCore.Cli.Settings;
using GsdmCore.Diffusion;
using GsdmCore.Problems;
using Spectre.Console;

namespace GsdmCore.Cli.Commands;

/// <summary>
/// <c>gsdm check-invariance</c>: the Theorem 3.1 report of a problem's compiled graph under an embedding variant, for
/// every plate index (and, for Sudoku, which has no plate, its row, column, band and stack swaps).
/// </summary>
public static class CheckInvarianceCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        var problemOptions = new ProblemOptions();
        var embeddings = new Option<string?>("--embeddings") { Description = "Node embeddings to check: ie, ae or ee (default ee).", HelpName = "ie|ae|ee" };
        var command = new Command("check-invariance", "Print the Theorem 3.1 invariance report of a problem's graph: which index permutations leave the modelled distribution invariant.");
        problemOptions.AddTo(command);
        command.Options.Add(embeddings);
        command.SetAction(parse =>
        {
            var source = new SettingSource(parse, null);
            var problem = ProblemSettings.Read(problemOptions, source).Create();
            var variant = ModelChoices.Embeddings(parse.GetValue(embeddings));
            var extra = problem is SudokuProblem s ? SudokuSymmetries(s) : null;
            var report = problem.Graph.CheckInvariance(variant, extra);
            context.Console.MarkupLine($"[bold]graph[/] {Markup.Escape(ModelSummary.Graph(problem))}");
            if (problem.Model.Plates.Count == 0)
                context.Console.MarkupLine($"[grey]{Markup.Escape(problem.Name)} declares no plate; checking its symmetries instead.[/]");
            context.Console.WriteLine(report.ToString());
            return ExitCodes.Success;
        });
        return command.WithExamples(
            "gsdm check-invariance --problem bcmf --t 3 --n 4 --m 4",
            "gsdm check-invariance --problem bcmf --embeddings ie       (IE breaks the t plate)",
            "gsdm check-invariance --problem sorting --n 5 --embeddings ae",
            "gsdm check-invariance --problem sudoku --block 2x2");
    }

    private static IEnumerable<NodePermutation> SudokuSymmetries(SudokuProblem s)
    {
        yield return s.SwapRows(0, 1);
        yield return s.SwapColumns(0, 1);
        if (s.Side / s.BlockRows > 1) yield return s.SwapRowBands(0, 1);
        if (s.Side / s.BlockCols > 1) yield return s.SwapColumnStacks(0, 1);
        yield return s.SwapCells((0, 0), (s.Side - 1, s.Side - 1));
    }
}
