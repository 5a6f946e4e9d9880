using BenchmarkDotNet.Attributes;
using GsdmCore.Autograd;
using GsdmCore.Backends.Cpu;
using GsdmCore.Nn;

namespace GsdmCore.Bench;

/// <summary>
/// One ResNet block + attention block (sparse, 9x9 Sudoku graph) forward + backward + AdamW step at batch 32,
/// 81 nodes, 128 channels, inside a <see cref="TensorScope"/>: run eagerly (<see cref="TrainStep"/>), where tensor
/// memory comes from the pool and what the memory diagnoser reports is per-op bookkeeping, and with the forward and
/// backward captured once and replayed (<see cref="CapturedTrainStep"/>), where no op's bookkeeping is made again.
/// </summary>
[MemoryDiagnoser]
public class BlockStepBenchmark
{
    [Params(1, 2)] public int Threads;

    private ResNetBlock _res = null!;
    private AttentionBlock _attention = null!;
    private AdamW _optimizer = null!;
    private Tensor _x = null!, _time = null!, _nodeEmbedding = null!;
    private CapturedStep _captured = null!;

    [GlobalSetup]
    public void Setup()
    {
        CpuParallel.MaxThreads = Threads;
        var generator = new Generator(1);
        _res = new ResNetBlock(128, 128, 128, 32, generator);
        _attention = new AttentionBlock(128, 8, new SparseAttention(BenchGraphs.Sudoku(3)), generator);
        _optimizer = new AdamW(_res.Parameters().Concat(_attention.Parameters()), 1e-4);
        _x = Tensor.Randn([32, 81, 128], new Generator(2)).RequireGrad();
        _time = Tensor.Randn([32, 128], new Generator(3));
        _nodeEmbedding = Tensor.Randn([81, 32], new Generator(4));
        _captured = CapturedStep.Capture(() =>
        {
            var loss = _attention.Forward(_res.Forward(_x, _time, _nodeEmbedding)).Square().Mean();
            loss.Backward();
            return loss;
        }, _res.Parameters().Concat(_attention.Parameters()).Append(_x));
        _optimizer.ZeroGrad();
        _x.Grad = null;
    }

    [Benchmark]
    public void CapturedTrainStep()
    {
        using (TensorScope.Begin())
        {
            _captured.Replay();
            _optimizer.Step();
            _optimizer.ZeroGrad();
            _x.Grad = null;
        }
    }

    [Benchmark]
    public void TrainStep()
    {
        using (TensorScope.Begin())
        {
            _attention.Forward(_res.Forward(_x, _time, _nodeEmbedding)).Square().Mean().Backward();
            _optimizer.Step();
            _optimizer.ZeroGrad();
            _x.Grad = null;
        }
    }

    [GlobalCleanup]
    public void Restore()
    {
        _captured.Dispose();
        CpuParallel.MaxThreads = Environment.ProcessorCount;
    }
}
