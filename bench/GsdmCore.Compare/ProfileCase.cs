using GsdmCore.Diffusion;

namespace GsdmCore.Compare;

/// <summary>--profile: GsdmCore only; where the training step's time goes, by layer type.</summary>
internal static class ProfileCase
{
    public static void Run(BenchCase c, CompareOptions o)
    {
        var problem = c.Problem();
        var diffusion = GaussianDiffusion.Default();
        var train = StepInputs.Create(problem, diffusion, c.TrainBatch, 11);
        var sample = StepInputs.Create(problem, diffusion, c.SampleBatch, 12);
        using var engine = new GsdmEngine(problem.Graph, c.Model, diffusion, train, sample, GsdmCore.Device.Cpu);
        new Profiler(engine).Run(c.Name, o.Warmup, o.Reps);
    }
}
