using GsdmCore.Tests.Shared;

namespace GsdmCore.Categorical.Tests;

/// <summary>The ancestral samplers: valid states, conditioning, strided schedules, and Theorem 3.1 equivariance.</summary>
public class SamplerTests
{
    private static GsdmDenoiserConfig Small(EmbeddingVariant variant, DType dtype, ulong seed) =>
        new() { EmbeddingDim = 16, Blocks = 2, Heads = 2, Groups = 4, Embedding = variant, DType = dtype, Seed = seed };

    /// <summary>Records every draw of an inner source, so a second run can replay them permuted.</summary>
    private sealed class Recording(INoiseSource inner) : INoiseSource
    {
        public List<Tensor> Draws { get; } = [];
        public Tensor Next(int[] shape, DType dtype)
        {
            Tensor draw;
            using (TensorScope.Suspend()) draw = inner.Next(shape, dtype);
            Draws.Add(draw);
            return draw;
        }
    }

    /// <summary>Replays recorded draws with π applied.</summary>
    private sealed class Replay(IReadOnlyList<Tensor> draws, Permuted pi) : INoiseSource
    {
        private int _next;
        public Tensor Next(int[] shape, DType dtype) => pi.Apply(draws[_next++]);
    }

    /// <summary>
    /// Sudoku 4x4 with EE: a column swap inside a stack is an invariance (Theorem 3.1), so sampling from the π-permuted
    /// uniforms gives exactly the π-permuted samples, for both processes and with half the cells observed.
    /// </summary>
    [Theory]
    [InlineData(DiffusionKind.Multinomial)]
    [InlineData(DiffusionKind.Absorbing)]
    public void Sampling_from_permuted_uniforms_gives_permuted_samples_under_EE(DiffusionKind kind)
    {
        var problem = new SudokuProblem(2, 2);
        var g = problem.Graph;
        var pi = problem.SwapColumns(0, 1);
        Assert.True(g.CheckInvariance(EmbeddingVariant.Exchangeable, [pi]).AllInvariant);
        var model = new GsdmDenoiser(g, Small(EmbeddingVariant.Exchangeable, DType.F64, 5));
        var d = CategoricalDiffusion.For(g, kind, 20);
        var permuted = new Permuted(g, pi);
        var batch = problem.Sample(4, 3, 0.5);
        var data = batch.Data.To(DType.F64);
        var obs = new Observation(batch.ObservedFeatures.To(DType.F64), data);
        var obsPermuted = new Observation(permuted.Apply(obs.Mask), permuted.Apply(data));
        var uniforms = new Recording(new GeneratorUniform(new Generator(11)));
        var noise = new Recording(new GeneratorNoise(new Generator(12)));
        var sampler = new CategoricalSampler(d);
        var direct = sampler.Sample(model, 4, uniforms, noise, obs, TimestepSequence.Uniform(20, 10), DType.F64);
        var replayed = sampler.Sample(model, 4, new Replay(uniforms.Draws, permuted), new Replay(noise.Draws, permuted), obsPermuted,
            TimestepSequence.Uniform(20, 10), DType.F64);
        Assert.Equal(permuted.Apply(direct).ToArray<double>(), replayed.ToArray<double>());
        Assert.Equal(data.ToArray<double>().Where((v, i) => obs.Mask.ToArray<double>()[i] > 0),
            direct.ToArray<double>().Where((v, i) => obs.Mask.ToArray<double>()[i] > 0));
    }

    [Theory]
    [InlineData(DiffusionKind.Multinomial)]
    [InlineData(DiffusionKind.Absorbing)]
    public void Samples_are_one_hot_and_keep_observations_with_strided_schedules(DiffusionKind kind)
    {
        var problem = new SudokuProblem(2, 2);
        var model = new GsdmDenoiser(problem.Graph, Small(EmbeddingVariant.Exchangeable, DType.F32, 2));
        var d = CategoricalDiffusion.For(problem.Graph, kind, 100);
        var batch = problem.Sample(8, 1, 0.5);
        var obs = new Observation(batch.ObservedFeatures, batch.Data);
        foreach (int steps in new[] { 100, 7, 1 })
        {
            var x = new CategoricalSampler(d).Sample(model, 8, new Generator(4), obs, TimestepSequence.Uniform(100, steps)).ToArray<double>();
            var m = obs.Mask.ToArray<double>();
            var v = batch.Data.ToArray<double>();
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(x[i] is 0 or 1);
                if (m[i] > 0) Assert.Equal(v[i], x[i]);
            }
            foreach (var slice in d.Layout.Categorical)
                for (int b = 0; b < 8; b++)
                    Assert.Equal(1.0, Enumerable.Range(slice.Offset, slice.Classes).Sum(c => x[b * d.Layout.Dim + c]));
        }
    }
}
