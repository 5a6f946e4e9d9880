using GsdmCore.Diffusion;
using GsdmCore.Problems;

namespace GsdmCore.Compare;

/// <summary>A case's problem, diffusion and the fixed training and sampling inputs every mode of the program uses.</summary>
internal sealed record CaseSetup(IProblem Problem, GaussianDiffusion Diffusion, StepInputs Train, StepInputs Sample)
{
    public static CaseSetup For(BenchCase c)
    {
        var problem = c.Problem();
        var diffusion = GaussianDiffusion.Default();
        return new(problem, diffusion, StepInputs.Create(problem, diffusion, c.TrainBatch, 11), StepInputs.Create(problem, diffusion, c.SampleBatch, 12));
    }

    /// <summary>The engine <c>--engine</c> names (with <c>--variant</c> for torch), built on these inputs.</summary>
    public IEngine Engine(BenchCase c, CompareOptions o) => o.Engine == "gsdm"
        ? new GsdmEngine(Problem.Graph, c.Model, Diffusion, Train, Sample, GsdmCore.Device.Parse(o.Device))
        : new TorchEngine(Problem.Graph, c.Model,
            o.Variant == "sparse-gather" ? TorchAttentionVariant.SparseGather : TorchAttentionVariant.DenseMasked, Train, Sample);
}
