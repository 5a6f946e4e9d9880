using GsdmCore.Backends.Cpu;

namespace GsdmCore.AutogradTests;

/// <summary>Tests that change CpuParallel.MaxThreads run alone, so nothing else sees the setting.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadCountCollection
{
    public const string Name = "thread count";
}

[Collection(ThreadCountCollection.Name)]
public class BackwardDeterminismTests
{
    /// <summary>Gradients of a loss that uses matmul, softmax, gather and index_add on inputs large enough to be split into chunks.</summary>
    private static Tensor[] Gradients(int threads)
    {
        int saved = CpuParallel.MaxThreads;
        try
        {
            CpuParallel.MaxThreads = threads;
            var rng = new Generator(77);
            var x = Tensor.Randn([256, 300], rng).RequireGrad();
            var w = Tensor.Randn([200, 300], rng).RequireGrad();
            var table = Tensor.Randn([64, 200], rng).RequireGrad();
            var rows = Tensor.FromArray(Enumerable.Range(0, 256).Select(i => i * 37 % 64).ToArray());
            var labels = Tensor.FromArray(Enumerable.Range(0, 256).Select(i => i * 11 % 200).ToArray(), [256, 1]);
            var logits = x.Matmul(w.MT).Tanh() + table.IndexSelect(0, rows);
            var loss = -logits.LogSoftmax(-1).Gather(1, labels).Mean() + logits.Softmax(0).Square().Sum();
            loss.Backward();
            return [x.Grad!, w.Grad!, table.Grad!];
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }

    [Fact]
    public void Gradients_are_bit_identical_for_one_and_two_threads()
    {
        var one = Gradients(1);
        var two = Gradients(2);
        string[] names = ["x", "w", "table"];
        for (int i = 0; i < one.Length; i++)
            TensorAssert.BitIdentical(one[i], two[i], $"d loss / d {names[i]}: 1 vs 2 threads");
    }
}
