using GsdmCore.Diffusion.Training;
using GsdmCore.Nn;

namespace GsdmCore.Gsdm.Tests;

/// <summary>
/// <see cref="CapturedDenoiser"/>: each replayed call gives the bits of the wrapped denoiser on the same inputs (every
/// problem's graph, sparse and dense attention), a new input shape is captured again, and a call that records
/// gradients runs eagerly.
/// </summary>
public class CapturedDenoiserTests
{
    public static TheoryData<string, AttentionKind> Networks => new()
    {
        { "sudoku", AttentionKind.Sparse },
        { "bcmf", AttentionKind.Sparse },
        { "sorting", AttentionKind.Dense },
    };

    private static IProblem ProblemNamed(string name) => name switch
    {
        "sudoku" => new SudokuProblem(2, 2),
        "bcmf" => new BcmfProblem(2, 3, 2),
        _ => new SortingProblem(5),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Replayed_calls_give_the_wrapped_denoisers_bits_on_new_inputs(string problemName, AttentionKind attention)
    {
        var problem = ProblemNamed(problemName);
        var model = new GsdmDenoiser(problem.Graph, Nets.Small(attention: attention));
        using var captured = new CapturedDenoiser(model);
        for (ulong seed = 1; seed <= 3; seed++)
        {
            var (x, t, mask, values) = Nets.Inputs(problem, 3, seed, DType.F32);
            var expected = Nets.Run(model, x, t, mask, values).ToArray<float>();
            Tensor actual;
            using (GradMode.Disable()) actual = captured.Predict(x, t, mask, values);
            Assert.Equal(expected, actual.ToArray<float>());
        }
        Assert.Equal(1, captured.Captures);

        // Another batch size is another pass.
        var (x5, t5, mask5, values5) = Nets.Inputs(problem, 5, 9, DType.F32);
        using (GradMode.Disable())
            Assert.Equal(Nets.Run(model, x5, t5, mask5, values5).ToArray<float>(), captured.Predict(x5, t5, mask5, values5).ToArray<float>());
        Assert.Equal(2, captured.Captures);
    }

    [Fact]
    public void A_call_that_records_gradients_runs_eagerly_and_gives_them()
    {
        var problem = new SudokuProblem(2, 2);
        var model = new GsdmDenoiser(problem.Graph, Nets.Small());
        using var captured = new CapturedDenoiser(model);
        var (x, t, mask, values) = Nets.Inputs(problem, 2, 4, DType.F32);
        captured.Predict(x, t, mask, values).Square().Sum().Backward();
        Assert.Equal(0, captured.Captures);
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void Sampling_a_problem_replays_one_captured_pass_and_matches_the_eager_sampler()
    {
        var problem = new SudokuProblem(2, 2);
        var model = new GsdmDenoiser(problem.Graph, Nets.Small());
        var diffusion = GaussianDiffusion.Default();
        var batch = problem.Sample(3, 5);
        var options = new SamplingOptions { Steps = 6, Seed = 11 };
        var sampled = ProblemSampling.Sample(model, diffusion, batch, options).ToArray<float>();
        // The same sampler over an IDenoiser that is not a GsdmDenoiser runs every step eagerly.
        var eager = ProblemSampling.Sample(new Eager(model), diffusion, batch, options).ToArray<float>();
        Assert.Equal(eager, sampled);
    }

    private sealed class Eager(GsdmDenoiser model) : IDenoiser
    {
        public Tensor Predict(Tensor xt, Tensor t, Tensor observedMask, Tensor observedValues) => model.Predict(xt, t, observedMask, observedValues);
    }
}
