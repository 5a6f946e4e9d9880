using System.Globalization;
using GsdmCore.Cli.Errors;
using GsdmCore.Problems;

namespace GsdmCore.Cli.Observations;

/// <summary>
/// Observations of the problems other than Sudoku: the values of the nodes observed by default (sorting: the n
/// unsorted values u; BCMF: E row by row; Boolean: the input bits x), in node order, separated by commas or
/// whitespace. Continuous nodes take numbers, categorical nodes a class 0..K-1.
/// </summary>
public static class ValueObservation
{
    /// <summary>The ids of the nodes observed by default.</summary>
    public static int[] ObservedNodes(IProblem problem) =>
        Enumerable.Range(0, problem.Graph.NodeCount).Where(i => problem.Graph.ObservedByDefault[i] != 0).ToArray();

    /// <summary>What one instance must list, for error messages.</summary>
    public static string Describe(IProblem problem)
    {
        var arrays = problem.Graph.Arrays.Where(a => a.Array.Role == Diffusion.VariableRole.Observed)
            .Select(a => $"{a.Array.Name} ({a.NodeCount} {(a.Array.Kind == Diffusion.VariableKind.Continuous ? "numbers" : $"classes 0..{a.Array.Classes - 1}")})");
        return string.Join(", then ", arrays);
    }

    /// <summary>The instances in <paramref name="text"/>: a whole number of observed-value lists back to back.</summary>
    public static IReadOnlyList<float[]> ParseMany(IProblem problem, string text, string source, bool exactlyOne)
    {
        var nodes = ObservedNodes(problem);
        if (nodes.Length == 0) throw new UsageException($"{source}: {problem.Name} observes nothing by default, so there is nothing to give.");
        var tokens = text.Split([',', ';', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(t => !t.StartsWith('#')).ToArray();
        if (tokens.Length == 0 || tokens.Length % nodes.Length != 0 || (exactlyOne && tokens.Length != nodes.Length))
            throw new UsageException($"{source}: {problem.Name} takes {nodes.Length} values per instance ({Describe(problem)}), got {tokens.Length}.");
        var layout = problem.Graph.Features;
        var result = new List<float[]>();
        for (int k = 0; k < tokens.Length / nodes.Length; k++)
        {
            var values = new float[nodes.Length];
            for (int i = 0; i < nodes.Length; i++)
            {
                string token = tokens[k * nodes.Length + i];
                int node = nodes[i];
                int classes = layout.NodeWidth(node) == 1 ? 0 : layout.NodeWidth(node);
                if (!float.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw new UsageException($"{source}: value {k * nodes.Length + i + 1} '{token}' is not a number.");
                if (classes > 0 && (v != MathF.Floor(v) || v < 0 || v >= classes))
                    throw new UsageException($"{source}: value {k * nodes.Length + i + 1} '{token}' is not a class of {problem.Graph.Nodes[node].Name} (0..{classes - 1}).");
                values[i] = v;
            }
            result.Add(values);
        }
        return result;
    }
}
