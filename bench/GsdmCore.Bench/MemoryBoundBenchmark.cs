using BenchmarkDotNet.Attributes;
using GsdmCore.Backends;
using GsdmCore.Backends.Cpu;

namespace GsdmCore.Bench;

/// <summary>
/// Memory-bound kernels in GB/s: a broadcast add of 16M floats ([4096, 4096] + [4096]) against a copy of
/// the same bytes through the same backend, and softmax over rows. Outputs are preallocated, so the
/// kernels are timed, not the allocator.
/// </summary>
public class MemoryBoundBenchmark
{
    public const int Rows = 4096, Cols = 4096;

    [Params(1, 2)] public int Threads;

    private Tensor _x = null!, _bias = null!, _y = null!;
    private Layout _biasView = null!;

    /// <summary>Bytes read and written by one call of each benchmark (one read and one write of 16M floats).</summary>
    public static double BytesMoved => 2.0 * Rows * Cols * sizeof(float);

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Generator(3);
        _x = Tensor.Randn([Rows, Cols], rng);
        _bias = Tensor.Randn([Cols], rng);
        _y = Tensor.Zeros([Rows, Cols]);
        _biasView = new Layout([Rows, Cols], [0, 1], 0);
        CpuParallel.MaxThreads = Threads;
    }

    [Benchmark(Baseline = true)]
    public void Copy() => CpuBackend.Instance.Copy(_x.Buffer, _x.Layout, _y.Buffer, _y.Layout);

    [Benchmark]
    public void BroadcastAdd() => CpuBackend.Instance.Binary(BinaryOp.Add, _x.Buffer, _x.Layout, _bias.Buffer, _biasView, _y.Buffer);

    [Benchmark]
    public void SoftmaxRows() => CpuBackend.Instance.Softmax(_x.Buffer, _x.Layout, false, _y.Buffer);

    [GlobalCleanup]
    public void Restore() => CpuParallel.MaxThreads = Environment.ProcessorCount;
}
