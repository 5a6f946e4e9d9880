using System.Globalization;
using GsdmCore.Diffusion.Training;

namespace GsdmCore.Cli.Runs;

/// <summary>
/// <c>metrics.csv</c>: one row per progress report (step, elapsed seconds, last loss, mean loss since the previous
/// row, gradient norm, steps per second). A resumed run appends to the rows of the steps it kept.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    /// <summary>The header line.</summary>
    public const string Header = "step,elapsed_s,loss,mean_loss,grad_norm,steps_per_s";

    private readonly StreamWriter _writer;

    /// <summary>Opens <paramref name="path"/>; rows of steps beyond <paramref name="keepUpToStep"/> are dropped (a resume continues from there).</summary>
    public MetricsLog(string path, int keepUpToStep)
    {
        var kept = new List<string>();
        if (keepUpToStep > 0 && File.Exists(path))
            kept.AddRange(File.ReadAllLines(path).Skip(1).Where(l => Row.TryParse(l, out var r) && r.Step <= keepUpToStep));
        // Shared for reading, so that other processes (a plot, a test, tail) can follow the run.
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        _writer = new StreamWriter(stream) { AutoFlush = true };
        _writer.WriteLine(Header);
        foreach (var line in kept) _writer.WriteLine(line);
    }

    /// <summary>Appends a row.</summary>
    public void Write(TrainingProgress progress, double elapsedSeconds) =>
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{progress.Step},{elapsedSeconds:0.###},{progress.Loss:G6},{progress.MeanLoss:G6},{progress.GradNorm:G6},{(double.IsFinite(progress.StepsPerSecond) ? progress.StepsPerSecond : 0):0.##}"));

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    /// <summary>The (step, mean loss) rows of a metrics file.</summary>
    public static IReadOnlyList<Row> Read(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Skip(1).Select(l => Row.TryParse(l, out var r) ? r : (Row?)null).OfType<Row>().ToList() : [];

    /// <summary>One parsed row.</summary>
    /// <param name="Step">Steps taken.</param>
    /// <param name="MeanLoss">Mean loss since the previous row.</param>
    public readonly record struct Row(int Step, double MeanLoss)
    {
        /// <summary>Parses a CSV line.</summary>
        public static bool TryParse(string line, out Row row)
        {
            row = default;
            var cells = line.Split(',');
            if (cells.Length < 4 || !int.TryParse(cells[0], CultureInfo.InvariantCulture, out int step)
                || !double.TryParse(cells[3], CultureInfo.InvariantCulture, out double loss)) return false;
            row = new Row(step, loss);
            return true;
        }
    }
}
