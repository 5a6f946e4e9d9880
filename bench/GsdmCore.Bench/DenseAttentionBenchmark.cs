using BenchmarkDotNet.Attributes;
using GsdmCore.Autograd;
using GsdmCore.Backends.Cpu;
using GsdmCore.Nn;

namespace GsdmCore.Bench;

/// <summary>
/// Dense attention forward + backward at batch 8, 8 heads, head dim 16, inside a <see cref="TensorScope"/> as a
/// training step runs it: the fused <see cref="DenseAttention"/> against the composed formula it replaced
/// (batched matmul, scale, softmax, matmul and their backward rules).
/// </summary>
public class DenseAttentionBenchmark
{
    [Params(81, 256)] public int Nodes;

    [Params(1, 2)] public int Threads;

    private Tensor _q = null!, _k = null!, _v = null!, _gradOutput = null!;
    private readonly IAttentionKernel _fused = new DenseAttention();
    private readonly IAttentionKernel _composed = new ComposedDenseAttention();

    [GlobalSetup]
    public void Setup()
    {
        CpuParallel.MaxThreads = Threads;
        int b = SparseAttentionBenchmark.Batch, h = SparseAttentionBenchmark.Heads, d = SparseAttentionBenchmark.HeadDim;
        _q = Tensor.Randn([b, h, Nodes, d], new Generator(1)).RequireGrad();
        _k = Tensor.Randn([b, h, Nodes, d], new Generator(2)).RequireGrad();
        _v = Tensor.Randn([b, h, Nodes, d], new Generator(3)).RequireGrad();
        _gradOutput = Tensor.Randn([b, h, Nodes, d], new Generator(4));
    }

    [Benchmark]
    public void Fused() => SparseAttentionBenchmark.Step(_fused, _q, _k, _v, _gradOutput);

    [Benchmark(Baseline = true)]
    public void Composed() => SparseAttentionBenchmark.Step(_composed, _q, _k, _v, _gradOutput);

    [GlobalCleanup]
    public void Restore() => CpuParallel.MaxThreads = Environment.ProcessorCount;

    /// <summary>softmax(q k^T / sqrt(Dh)) v from tensor ops, as DenseAttention computed it before the fused op.</summary>
    private sealed class ComposedDenseAttention : IAttentionKernel
    {
        public Tensor Forward(Tensor q, Tensor k, Tensor v) =>
            (q.Matmul(k.MT) * (1.0 / Math.Sqrt(q.Dim(3)))).Softmax(-1).Matmul(v);
    }
}
