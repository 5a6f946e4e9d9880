using GsdmCore.Backends.Cpu;

namespace GsdmCore.TensorTests;

/// <summary>Tests that change CpuParallel.MaxThreads run alone, so nothing else sees the setting.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadCountCollection
{
    public const string Name = "thread count";
}

/// <summary>Every kernel splits work in fixed chunks, so 1 and 2 threads must give bit-identical results.</summary>
[Collection(ThreadCountCollection.Name)]
public class DeterminismTests
{
    private static Tensor WithThreads(int threads, Func<Tensor> compute)
    {
        int saved = CpuParallel.MaxThreads;
        try
        {
            CpuParallel.MaxThreads = threads;
            return compute();
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }

    private static void SameForOneAndTwoThreads(string what, Func<Tensor> compute) =>
        TensorAssert.BitIdentical(WithThreads(1, compute), WithThreads(2, compute), what + ": 1 vs 2 threads");

    private static Tensor Input(int[] shape, ulong seed, DType dtype = DType.F32) => Tensor.Randn(shape, new Generator(seed), dtype);

    public static TheoryData<string> Workloads() => new(Cases.Keys);

    private static readonly Dictionary<string, Func<Tensor>> Cases = new()
    {
        ["randn_200k"] = () => Tensor.Randn([200_000], new Generator(1)),
        ["rand_200k_f64"] = () => Tensor.Rand([200_000], new Generator(2), DType.F64),
        ["exp_200k"] = () => Input([400, 500], 3).Exp(),
        ["silu_transposed_200k"] = () => Input([400, 500], 4).MT.Silu(),
        ["broadcast_add_200k"] = () => Input([400, 500], 5) + Input([500], 6),
        ["mul_narrowed_200k"] = () => Input([402, 501], 7).Narrow(0, 1, 400).Narrow(1, 1, 500) * Input([400, 500], 8),
        ["sum_1m_all"] = () => Input([1_000_000], 9).Sum(),
        ["sum_1m_f64_all"] = () => Input([1000, 1000], 10, DType.F64).Sum(),
        ["sum_1m_axis0"] = () => Input([1000, 1000], 11).Sum(0),
        ["mean_1m_transposed_axis1"] = () => Input([1000, 1000], 12).MT.Mean(1),
        ["max_1m"] = () => Input([1_000_000], 13).Max(),
        ["matmul_300"] = () => Input([300, 300], 14).Matmul(Input([300, 300], 15)),
        ["matmul_300_f64_transposed"] = () => Input([300, 300], 16, DType.F64).Matmul(Input([300, 300], 17, DType.F64).MT),
        ["matmul_batched"] = () => Input([8, 64, 96], 18).Matmul(Input([96, 80], 19)),
        ["softmax_512x400"] = () => Input([512, 400], 20).Softmax(-1),
        ["log_softmax_axis0"] = () => Input([512, 400], 21).LogSoftmax(0),
        ["index_add"] = () => Tensor.Zeros([50, 4000]).IndexAdd(0, Indices(400, 50, 22), Input([400, 4000], 23)),
        ["index_add_inner_axis"] = () => Tensor.Zeros([300, 60]).IndexAdd(1, Indices(3000, 60, 24), Input([300, 3000], 25)),
        ["scatter_add"] = () => Tensor.Zeros([64, 3000]).ScatterAdd(0, Indices(256 * 3000, 64, 26).Reshape(256, 3000), Input([256, 3000], 27)),
        ["index_select"] = () => Input([1000, 200], 28).IndexSelect(0, Indices(1500, 1000, 29)),
        ["gather"] = () => Input([200, 1000], 30).Gather(1, Indices(200 * 800, 1000, 31).Reshape(200, 800)),
    };

    /// <summary>Random indices in 0..n-1 with many repeats (so accumulation order matters).</summary>
    private static Tensor Indices(int count, int n, ulong seed)
    {
        var u = Tensor.Rand([count], new Generator(seed), DType.F64).ToArray<double>();
        return Tensor.FromArray(u.Select(x => (int)(x * n)).ToArray());
    }

    [Theory, MemberData(nameof(Workloads))]
    public void Results_are_bit_identical_for_one_and_two_threads(string name) =>
        SameForOneAndTwoThreads(name, Cases[name]);

    [Fact]
    public void MaxThreads_is_restored_and_rejects_zero()
    {
        int before = CpuParallel.MaxThreads;
        WithThreads(1, () => Tensor.Zeros([1]));
        Assert.Equal(before, CpuParallel.MaxThreads);
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuParallel.MaxThreads = 0);
        Assert.Equal(before, CpuParallel.MaxThreads);
    }
}
