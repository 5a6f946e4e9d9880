using GsdmCore.Tests.Shared;

namespace GsdmCore.Gsdm.Tests;

/// <summary>
/// Theorem 3.1 on the network itself: for a node permutation π that the invariance report calls an invariance,
/// f(π x_t, π y, t) = π f(x_t, y, t) with random weights; under IE (or a permutation the report rejects) it fails.
/// </summary>
public class EquivarianceTests
{
    private static readonly BcmfProblem Bcmf = new(3, 4, 3);

    /// <summary>The largest entry of f(π x, π y) - π f(x, y).</summary>
    internal static double EquivarianceError(GsdmDenoiser model, IProblem problem, NodePermutation pi, ulong seed, DType dtype)
    {
        var (x, t, mask, values) = Nets.Inputs(problem, 3, seed, dtype);
        var p = new Permuted(problem.Graph, pi);
        var direct = Nets.Run(model, x, t, mask, values);
        var permuted = Nets.Run(model, p.Apply(x), t, p.Apply(mask), p.Apply(values));
        return Nets.MaxAbsDiff(permuted, p.Apply(direct));
    }

    /// <summary>A uniformly random permutation of plate <paramref name="index"/>'s values, as a node permutation.</summary>
    internal static NodePermutation RandomPlatePermutation(CompiledGraph g, string index, int seed)
    {
        int size = g.Model.Plate(index).Size;
        var sigma = Enumerable.Range(0, size).ToArray();
        var rng = new Random(seed);
        do rng.Shuffle(sigma); while (size > 1 && sigma.Select((v, i) => v == i).All(b => b));
        var covered = g.Model.Plate(index).Arrays.ToHashSet();
        return g.Permutation($"{index}: [{string.Join(",", sigma)}]", node =>
        {
            if (!covered.Contains(node.Array)) return node;
            var idx = node.Index;
            int d = node.Array.DimensionOf(index);
            idx[d] = sigma[idx[d]];
            return node.Array[idx];
        }, index);
    }

    [Theory]
    [InlineData(DType.F64, 1e-9)]
    [InlineData(DType.F32, 1e-4)]
    public void Bcmf_with_EE_is_equivariant_to_every_permutation_of_the_rank_plate(DType dtype, double tolerance)
    {
        var g = Bcmf.Graph;
        var model = new GsdmDenoiser(g, Nets.Small(EmbeddingVariant.Exchangeable, dtype, seed: 11) with { Blocks = 3 });
        Assert.True(g.CheckInvariance(EmbeddingVariant.Exchangeable).IsInvariant("t"));
        var perms = g.PlateGenerators("t").Append(RandomPlatePermutation(g, "t", 1)).Append(g.PlateTransposition("t", 0, 2));
        foreach (var pi in perms)
        {
            double error = EquivarianceError(model, Bcmf, pi, 3, dtype);
            Assert.True(error < tolerance, $"{pi}: error {error}");
        }
    }

    [Theory]
    [InlineData(EmbeddingVariant.Independent)]
    [InlineData(EmbeddingVariant.Array)]
    public void Bcmf_with_IE_or_AE_is_not_equivariant_and_the_report_says_so(EmbeddingVariant variant)
    {
        var g = Bcmf.Graph;
        var model = new GsdmDenoiser(g, Nets.Small(variant, DType.F64, seed: 11));
        Assert.False(g.CheckInvariance(variant).IsInvariant("t"));
        var pi = g.PlateTransposition("t", 0, 1);
        double error = EquivarianceError(model, Bcmf, pi, 3, DType.F64);
        Assert.True(error > 1e-2, $"{variant}: error only {error}");
    }

    /// <summary>
    /// Sudoku 4x4 with the reference's row-segment EE: a column swap inside a stack keeps every cell in its row
    /// segment and maps rows, columns and blocks onto themselves, so it is an invariance; a row-band swap keeps the mask
    /// but moves cells to other segment ids, so it is not. With one id for all cells the band swap is an invariance too.
    /// </summary>
    [Fact]
    public void Sudoku_equivariance_follows_the_report_for_column_and_band_swaps()
    {
        var segments = new SudokuProblem(2, 2);
        var single = new SudokuProblem(2, 2, rowSegmentEmbeddings: false);
        var cases = new (SudokuProblem Problem, NodePermutation Pi)[]
        {
            (segments, segments.SwapColumns(0, 1)),
            (segments, segments.SwapColumns(2, 3)),
            (segments, segments.SwapRowBands(0, 1)),
            (segments, segments.SwapColumnStacks(0, 1)),
            (single, single.SwapRowBands(0, 1)),
            (single, single.SwapColumnStacks(0, 1)),
            (single, single.SwapRows(0, 1)),
        };
        foreach (var (problem, pi) in cases)
        {
            var model = new GsdmDenoiser(problem.Graph, Nets.Small(EmbeddingVariant.Exchangeable, DType.F64, seed: 5));
            bool invariant = problem.Graph.CheckInvariance(EmbeddingVariant.Exchangeable, [pi]).Row(pi.Name).Invariant;
            double error = EquivarianceError(model, problem, pi, 4, DType.F64);
            if (invariant) Assert.True(error < 1e-9, $"{problem.Name} {pi}: reported invariant but error {error}");
            else Assert.True(error > 1e-3, $"{problem.Name} {pi}: reported not invariant but error only {error}");
        }
        Assert.True(segments.Graph.CheckInvariance(EmbeddingVariant.Exchangeable, [segments.SwapColumns(0, 1)]).AllInvariant);
        Assert.False(segments.Graph.CheckInvariance(EmbeddingVariant.Exchangeable, [segments.SwapRowBands(0, 1)]).AllInvariant);
        Assert.True(single.Graph.CheckInvariance(EmbeddingVariant.Exchangeable, [single.SwapRowBands(0, 1)]).AllInvariant);
    }

    /// <summary>Feeds a sampler the π-permuted draws of another noise source.</summary>
    private sealed class PermutedNoise(INoiseSource inner, Permuted pi) : INoiseSource
    {
        public Tensor Next(int[] shape, DType dtype) => pi.Apply(inner.Next(shape, dtype));
    }

    [Theory]
    [InlineData(EmbeddingVariant.Exchangeable)]
    [InlineData(EmbeddingVariant.Independent)]
    public void Ddpm_sampling_from_permuted_noise_gives_permuted_samples_exactly_when_invariant(EmbeddingVariant variant)
    {
        var g = Bcmf.Graph;
        var model = new GsdmDenoiser(g, Nets.Small(variant, DType.F64, seed: 13));
        var sampler = new DdpmSampler(GaussianDiffusion.Default());
        var pi = RandomPlatePermutation(g, "t", 2);
        var p = new Permuted(g, pi);
        var batch = Bcmf.Sample(2, 9);
        var mask = batch.ObservedFeatures.To(DType.F64);
        var data = batch.Data.To(DType.F64);
        var steps = TimestepSequence.Uniform(1000, 10);
        int[] shape = [2, g.Features.Width];
        var plain = sampler.Sample(model, shape, new GeneratorNoise(new Generator(21)), new Observation(mask, data), steps, dtype: DType.F64);
        var permuted = sampler.Sample(model, shape, new PermutedNoise(new GeneratorNoise(new Generator(21)), p),
            new Observation(p.Apply(mask), p.Apply(data)), steps, dtype: DType.F64);
        double error = Nets.MaxAbsDiff(permuted, p.Apply(plain));
        if (variant == EmbeddingVariant.Exchangeable) Assert.True(error < 1e-8, $"error {error}");
        else Assert.True(error > 1e-2, $"IE sampling error only {error}");
    }
}
