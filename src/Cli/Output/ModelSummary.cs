using System.Globalization;
using GsdmCore.Cli.Settings;
using GsdmCore.Diffusion;
using GsdmCore.Diffusion.Training;
using GsdmCore.Problems;
using Spectre.Console;

namespace GsdmCore.Cli.Output;

/// <summary>The lines a training command prints first: the graph's size and the network's parameter count.</summary>
public static class ModelSummary
{
    /// <summary>The number of learned parameters.</summary>
    public static long ParameterCount(GsdmDenoiser model) => model.Parameters().Sum(p => (long)p.Count);

    /// <summary>"sudoku-2x2: 16 nodes, 64 features, 112 directed edges, max 8 keys per query".</summary>
    public static string Graph(IProblem problem)
    {
        var g = problem.Graph;
        return string.Create(CultureInfo.InvariantCulture,
            $"{problem.Name}: {g.NodeCount} nodes, {g.Features.Width} features, {g.DirectedEdgeCount} directed edges, max {g.MaxKeys} keys per query");
    }

    /// <summary>"144,132 parameters (d 64, 4 blocks, 4 heads, sparse attention, ee embeddings)".</summary>
    public static string Network(GsdmDenoiser model)
    {
        var c = model.Config;
        return string.Create(CultureInfo.InvariantCulture,
            $"{ParameterCount(model):N0} parameters (d {c.EmbeddingDim}, {c.Blocks} blocks, {c.Heads} heads, {ModelChoices.Name(c.Attention)} attention, {ModelChoices.Name(c.Embedding)} embeddings)");
    }

    /// <summary>Prints the graph, the network and the training settings.</summary>
    public static void Print(IAnsiConsole console, IProblem problem, GsdmTrainer trainer)
    {
        var o = trainer.Options;
        console.MarkupLine($"[bold]graph[/]    {Markup.Escape(Graph(problem))}");
        console.MarkupLine($"[bold]network[/]  {Markup.Escape(Network(trainer.Model))}");
        string settings = string.Create(CultureInfo.InvariantCulture,
            $"{o.Diffusion.ToString().ToLowerInvariant()} diffusion, batch {o.BatchSize}, lr {o.LearningRate:G3}, EMA {o.EmaDecay}, seed {o.Seed}, to step {o.Steps}");
        console.MarkupLine($"[bold]training[/] {Markup.Escape(settings)}");
    }
}
