namespace GsdmCore.Compare;

/// <summary>--profile: GsdmCore only; where the training step's time goes, by layer type.</summary>
internal static class ProfileCase
{
    public static void Run(BenchCase c, CompareOptions o)
    {
        var (problem, diffusion, train, sample) = CaseSetup.For(c);
        using var engine = new GsdmEngine(problem.Graph, c.Model, diffusion, train, sample, GsdmCore.Device.Cpu);
        new Profiler(engine).Run(c.Name, o.Warmup, o.Reps);
    }
}
