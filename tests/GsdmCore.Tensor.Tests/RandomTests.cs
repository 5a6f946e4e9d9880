namespace GsdmCore.TensorTests;

public class RandomTests
{
    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.F64)]
    public void The_same_seed_gives_the_same_values_and_different_seeds_differ(DType dtype)
    {
        var a = Tensor.Randn([1000], new Generator(42), dtype).ToArray<double>();
        var b = Tensor.Randn([1000], new Generator(42), dtype).ToArray<double>();
        var c = Tensor.Randn([1000], new Generator(43), dtype).ToArray<double>();
        Assert.Equal(a, b);
        Assert.True(a.Zip(c).Count(p => p.First == p.Second) < 5, "seeds 42 and 43 gave (nearly) the same stream");
    }

    [Fact]
    public void Consecutive_draws_from_one_generator_differ()
    {
        var g = new Generator(7);
        var first = Tensor.Rand([256], g, DType.F64).ToArray<double>();
        var second = Tensor.Rand([256], g, DType.F64).ToArray<double>();
        Assert.True(first.Zip(second).Count(p => p.First == p.Second) < 3);
    }

    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.F64)]
    public void Randn_of_100k_has_mean_0_and_variance_1(DType dtype)
    {
        var v = Tensor.Randn([100_000], new Generator(2024), dtype).ToArray<double>();
        double mean = v.Average();
        double variance = v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1);
        // Standard errors: 0.0032 for the mean, 0.0045 for the variance; these bounds are over 6 of them.
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(variance, 0.97, 1.03);
        Assert.InRange(v.Count(x => Math.Abs(x) < 1) / (double)v.Length, 0.68 - 0.01, 0.68 + 0.01);
    }

    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.F64)]
    public void Rand_is_uniform_on_the_half_open_unit_interval(DType dtype)
    {
        var v = Tensor.Rand([100_000], new Generator(99), dtype).ToArray<double>();
        Assert.True(v.Min() >= 0.0);
        Assert.True(v.Max() < 1.0);
        Assert.InRange(v.Average(), 0.495, 0.505);
        // Ten equal bins each hold about 10% (binomial sd 0.1%).
        var bins = v.GroupBy(x => (int)(x * 10)).Select(g => g.Count() / (double)v.Length);
        Assert.All(bins, f => Assert.InRange(f, 0.094, 0.106));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(12345UL)]
    [InlineData(ulong.MaxValue)]
    public void One_draw_equals_the_scalar_Philox_stream(ulong seed)
    {
        const int n = 10_007;
        var normal = Tensor.Randn([n], new Generator(seed), DType.F64).ToArray<double>();
        var uniform = Tensor.Rand([n], new Generator(seed), DType.F64).ToArray<double>();
        var normal32 = Tensor.Randn([n], new Generator(seed), DType.F32).ToArray<float>();
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(Philox.Normal(seed, (ulong)i), normal[i]);
            Assert.Equal(Philox.Uniform(seed, (ulong)i), uniform[i]);
            Assert.Equal((float)Philox.Normal(seed, (ulong)i), normal32[i]);
        }
    }

    /// <summary>Each draw starts at the next whole Philox block (multiple of 4) after the previous one.</summary>
    [Theory]
    [InlineData(new[] { 5, 3, 8 })]
    [InlineData(new[] { 4, 4, 1, 7 })]
    [InlineData(new[] { 1, 1, 1 })]
    [InlineData(new[] { 4097, 9000 })]
    public void Consecutive_draws_continue_the_stream_block_by_block(int[] sizes)
    {
        const ulong seed = 31;
        var g = new Generator(seed);
        ulong offset = 0;
        foreach (var size in sizes)
        {
            var draw = Tensor.Randn([size], g, DType.F64).ToArray<double>();
            for (int i = 0; i < size; i++) Assert.Equal(Philox.Normal(seed, offset + (ulong)i), draw[i]);
            offset += ((ulong)size + 3) / 4 * 4;
            Assert.Equal(offset, g.Offset);
        }
        // A generator started at a given offset continues the same stream.
        var resumed = Tensor.Randn([6], new Generator(seed, offset), DType.F64).ToArray<double>();
        Assert.Equal(Tensor.Randn([6], g, DType.F64).ToArray<double>(), resumed);
    }

    [Fact]
    public void The_shape_does_not_change_the_stream()
    {
        var flat = Tensor.Randn([24], new Generator(5)).ToArray();
        var shaped = Tensor.Randn([2, 3, 4], new Generator(5)).ToArray();
        Assert.Equal(flat, shaped);
    }
}
