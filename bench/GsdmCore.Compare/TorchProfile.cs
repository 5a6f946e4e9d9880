using System.Diagnostics;
using System.Globalization;
using GsdmCore.Diffusion;

namespace GsdmCore.Compare;

/// <summary>--profile for the torch side: forward time per layer type of the sampling step, and the whole training step.</summary>
internal static class TorchProfile
{
    public static void Run(BenchCase c, CompareOptions o, TorchAttentionVariant variant)
    {
        var problem = c.Problem();
        var diffusion = GaussianDiffusion.Default();
        var train = StepInputs.Create(problem, diffusion, c.TrainBatch, 11);
        var sample = StepInputs.Create(problem, diffusion, c.SampleBatch, 12);
        using var engine = new TorchEngine(problem.Graph, c.Model, variant, train, sample);
        for (int i = 0; i < o.Warmup; i++) engine.TrainStep();
        var timings = new Dictionary<string, double>();
        engine.Model.Timings = timings;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < o.Reps; i++) engine.TrainStep();
        double total = Stopwatch.GetElapsedTime(start).TotalMilliseconds / o.Reps;
        engine.Model.Timings = null;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"torch-profile case={c.Name} variant={TorchAttention.Label(variant)} train_step_ms={total:F2}"));
        foreach (var (what, ms) in timings.OrderByDescending(p => p.Value))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fwd {what,-24} {ms / o.Reps,9:F2} ms  {100 * ms / o.Reps / total,5:F1}%"));
        double fwd = timings.Values.Sum() / o.Reps;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"backward+clip+adam+ema+rest",-28} {total - fwd,9:F2} ms  {100 * (total - fwd) / total,5:F1}%"));
    }
}
