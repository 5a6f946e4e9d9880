using BenchmarkDotNet.Attributes;
using GsdmCore.Autograd;
using GsdmCore.Backends.Cpu;
using GsdmCore.Nn;

namespace GsdmCore.Bench;

/// <summary>
/// Sparse attention forward + backward at batch 8, 8 heads, head dim 16, inside a <see cref="TensorScope"/> as a
/// training step runs it: on Sudoku graphs (time per stored edge should not depend on the size) and random graphs
/// of degree 21 (time per node should not depend on the size). <see cref="MaskedDenseAttentionBenchmark"/> is the
/// dense comparison at 81 nodes.
/// </summary>
public class SparseAttentionBenchmark
{
    public const int Batch = 8, Heads = 8, HeadDim = 16;

    [Params("sudoku-81", "sudoku-256", "sudoku-625", "sudoku-1296", "random-81", "random-300", "random-1000", "random-5000")]
    public string Graph = "";

    [Params(1, 2)] public int Threads;

    private SparseGraph _graph = null!;
    private IAttentionKernel _sparse = null!;
    private Tensor _q = null!, _k = null!, _v = null!, _gradOutput = null!;

    [GlobalSetup]
    public void Setup()
    {
        CpuParallel.MaxThreads = Threads;
        _graph = BenchGraphs.Parse(Graph);
        _sparse = new SparseAttention(_graph);
        int n = _graph.Nodes;
        _q = Tensor.Randn([Batch, Heads, n, HeadDim], new Generator(1)).RequireGrad();
        _k = Tensor.Randn([Batch, Heads, n, HeadDim], new Generator(2)).RequireGrad();
        _v = Tensor.Randn([Batch, Heads, n, HeadDim], new Generator(3)).RequireGrad();
        _gradOutput = Tensor.Randn([Batch, Heads, n, HeadDim], new Generator(4));
    }

    /// <summary>Stored edges (nnz) of the benchmark's graph.</summary>
    public static int EdgesOf(string graph) => BenchGraphs.Parse(graph).EdgeCount;

    [Benchmark]
    public void Sparse() => Step(_sparse, _q, _k, _v, _gradOutput);

    /// <summary>One forward + backward inside a scope, gradients dropped.</summary>
    internal static void Step(IAttentionKernel kernel, Tensor q, Tensor k, Tensor v, Tensor gradOutput)
    {
        using (TensorScope.Begin())
        {
            kernel.Forward(q, k, v).Backward(gradOutput);
            q.Grad = k.Grad = v.Grad = null;
        }
    }

    [GlobalCleanup]
    public void Restore() => CpuParallel.MaxThreads = Environment.ProcessorCount;
}

/// <summary>Masked dense attention forward + backward on the 81-node Sudoku graph, the same shapes as <see cref="SparseAttentionBenchmark"/>.</summary>
public class MaskedDenseAttentionBenchmark
{
    [Params(1, 2)] public int Threads;

    private IAttentionKernel _masked = null!;
    private Tensor _q = null!, _k = null!, _v = null!, _gradOutput = null!;

    [GlobalSetup]
    public void Setup()
    {
        CpuParallel.MaxThreads = Threads;
        _masked = new MaskedDenseAttention(BenchGraphs.Sudoku(3));
        int b = SparseAttentionBenchmark.Batch, h = SparseAttentionBenchmark.Heads, d = SparseAttentionBenchmark.HeadDim;
        _q = Tensor.Randn([b, h, 81, d], new Generator(1)).RequireGrad();
        _k = Tensor.Randn([b, h, 81, d], new Generator(2)).RequireGrad();
        _v = Tensor.Randn([b, h, 81, d], new Generator(3)).RequireGrad();
        _gradOutput = Tensor.Randn([b, h, 81, d], new Generator(4));
    }

    [Benchmark]
    public void MaskedDense() => SparseAttentionBenchmark.Step(_masked, _q, _k, _v, _gradOutput);

    [GlobalCleanup]
    public void Restore() => CpuParallel.MaxThreads = Environment.ProcessorCount;
}
