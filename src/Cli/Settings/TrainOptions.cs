using System.CommandLine;
using GsdmCore.Cli.ProblemSetup;

namespace GsdmCore.Cli.Settings;

/// <summary>The options of <c>gsdm train</c>; every one but --config and --resume may also come from the config file.</summary>
public sealed class TrainOptions
{
    /// <summary>Problem and size.</summary>
    public ProblemOptions Problem { get; } = new();
    /// <summary>--diffusion.</summary>
    public Option<string?> Diffusion { get; } = new("--diffusion") { Description = "Process for categorical nodes: gaussian (one-hot, as the paper), multinomial or absorbing.", HelpName = "gaussian|multinomial|absorbing" };
    /// <summary>--embeddings.</summary>
    public Option<string?> Embeddings { get; } = new("--embeddings") { Description = "Node embeddings: ie (independent), ae (array + index code) or ee (exchangeable, default).", HelpName = "ie|ae|ee" };
    /// <summary>--attention.</summary>
    public Option<string?> Attention { get; } = new("--attention") { Description = "Attention: sparse (graph-structured, default), dense, masked (dense with the graph's mask) or linear.", HelpName = "sparse|dense|masked|linear" };
    /// <summary>--steps.</summary>
    public Option<int?> Steps { get; } = new("--steps") { Description = "Total training steps (default 1000; on --resume, the checkpoint's target)." };
    /// <summary>--batch.</summary>
    public Option<int?> Batch { get; } = new("--batch") { Description = "Data per step (default: sudoku 32, others 16)." };
    /// <summary>--lr.</summary>
    public Option<double?> Lr { get; } = new("--lr") { Description = "Adam learning rate (default 1e-3)." };
    /// <summary>--seed.</summary>
    public Option<ulong?> Seed { get; } = new("--seed") { Description = "Seed of the weights, the data and the noise (default 0)." };
    /// <summary>--out.</summary>
    public Option<string?> Out { get; } = new("--out", "-o") { Description = "Run folder for the checkpoint, run.json, metrics.csv and loss.png (default runs/<problem>; on --resume, the resumed folder).", HelpName = "DIR" };
    /// <summary>--device.</summary>
    public Option<string?> Device { get; } = new("--device") { Description = "cpu (default), cuda or cuda:N (an NVIDIA GPU).", HelpName = "cpu|cuda|cuda:N" };
    /// <summary>--emb-dim.</summary>
    public Option<int?> EmbDim { get; } = new("--emb-dim") { Description = "Token width d (default 64)." };
    /// <summary>--blocks.</summary>
    public Option<int?> Blocks { get; } = new("--blocks") { Description = "Number of [ResNet, attention] blocks (default 4)." };
    /// <summary>--heads.</summary>
    public Option<int?> Heads { get; } = new("--heads") { Description = "Attention heads; must divide --emb-dim (default 4)." };
    /// <summary>--hybrid-weight.</summary>
    public Option<double?> HybridWeight { get; } = new("--hybrid-weight") { Description = "Multinomial/absorbing: weight lambda of D3PM's auxiliary cross-entropy on x0 (default 1 when the problem also has continuous nodes, else 0: the bound alone)." };

    /// <summary>--categorical-weight.</summary>
    public Option<double?> CategoricalWeight { get; } = new("--categorical-weight") { Description = "Multinomial/absorbing: factor on the categorical loss against the continuous squared error (default 0.25 when the problem also has continuous nodes, else 1)." };
    /// <summary>--ema.</summary>
    public Option<double?> Ema { get; } = new("--ema") { Description = "EMA decay of the sampling weights (default 0.99)." };
    /// <summary>--preset.</summary>
    public Option<string?> Preset { get; } = new("--preset") { Description = "Defaults: cpu (small, fast; default) or reference (the paper's GPU sizes and rates).", HelpName = "cpu|reference" };
    /// <summary>--log-every.</summary>
    public Option<int?> LogEvery { get; } = new("--log-every") { Description = "Steps per metrics.csv row (default 10)." };
    /// <summary>--checkpoint-every.</summary>
    public Option<int?> CheckpointEvery { get; } = new("--checkpoint-every") { Description = "Steps between checkpoints (default 0: at the end, and on Ctrl-C)." };
    /// <summary>--time-limit.</summary>
    public Option<double?> TimeLimit { get; } = new("--time-limit") { Description = "Stop training after this many seconds even if --steps is not reached." };
    /// <summary>--config.</summary>
    public Option<string?> Config { get; } = new("--config") { Description = "JSON or flat YAML file of the same keys (steps, lr, emb-dim, ...); flags override it.", HelpName = "FILE" };
    /// <summary>--resume.</summary>
    public Option<string?> Resume { get; } = new("--resume") { Description = "Continue the run in DIR (or from its checkpoint file) up to --steps.", HelpName = "DIR" };

    /// <summary>Options whose values the config file may hold.</summary>
    public IEnumerable<Option> Configurable =>
        Problem.All.Concat<Option>([Diffusion, Embeddings, Attention, Steps, Batch, Lr, Seed, Out, Device, EmbDim, Blocks, Heads, Ema, HybridWeight, CategoricalWeight, Preset, LogEvery, CheckpointEvery, TimeLimit]);

    /// <summary>The options that fix the network's architecture (refused on --resume).</summary>
    public IEnumerable<Option> Architecture => [Diffusion, Embeddings, Attention, EmbDim, Blocks, Heads, Preset];

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in Configurable.Append(Config).Append(Resume)) command.Options.Add(option);
    }
}
