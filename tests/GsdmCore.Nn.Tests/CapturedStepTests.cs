using GsdmCore.Backends;
using Xunit;

namespace GsdmCore.Nn.Tests;

/// <summary>
/// <see cref="CapturedStep"/>: a replay gives the bits an eager step gives on the same inputs (values and every
/// gradient), keeps doing so through an optimiser loop, and a capture refuses what a replay could not repeat.
/// </summary>
public class CapturedStepTests
{
    /// <summary>A small ResNet block + sparse attention block on the 9x9 Sudoku graph, with its inputs.</summary>
    private sealed class BlockStep
    {
        public readonly ResNetBlock Res;
        public readonly AttentionBlock Attention;
        public readonly Tensor[] Parameters;
        public readonly Tensor X, Temb, NodeEmbedding;

        public BlockStep(ulong seed, SparseGraph? graph = null)
        {
            var generator = new Generator(seed);
            Res = new ResNetBlock(32, 32, 16, 8, generator, groups: 8);
            Attention = new AttentionBlock(32, 4, new SparseAttention(graph ?? TestGraphs.Sudoku(3)), generator, groups: 8);
            Parameters = Res.Parameters().Concat(Attention.Parameters()).ToArray();
            X = Tensor.Randn([3, 81, 32], new Generator(seed + 1)).RequireGrad();
            Temb = Tensor.Randn([3, 16], new Generator(seed + 2));
            NodeEmbedding = Tensor.Randn([81, 8], new Generator(seed + 3)).RequireGrad();
        }

        public Tensor[] Watched => [.. Parameters, X, NodeEmbedding];

        public Tensor Loss() => Attention.Forward(Res.Forward(X, Temb, NodeEmbedding)).Square().Mean();

        public Tensor Run()
        {
            var loss = Loss();
            loss.Backward();
            return loss;
        }

        public void ClearGradients()
        {
            foreach (var t in Watched) t.Grad = null;
        }

        public void SetInputs(ulong seed)
        {
            using (GradMode.Disable())
            {
                X.CopyFrom(Tensor.Randn(X.Shape, new Generator(seed)));
                Temb.CopyFrom(Tensor.Randn(Temb.Shape, new Generator(seed + 1)));
            }
        }

        /// <summary>The loss and every watched gradient, as host arrays.</summary>
        public float[][] Results(Tensor loss) => [loss.ToArray<float>(), .. Watched.Select(t => t.Grad!.ToArray<float>())];
    }

    private static void AssertSameBits(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int j = 0; j < expected[i].Length; j++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i][j]) == BitConverter.SingleToInt32Bits(actual[i][j]),
                    $"result {i} element {j}: expected {expected[i][j]:R}, got {actual[i][j]:R}");
        }
    }

    [Fact]
    public void The_capture_run_and_each_replay_give_the_bits_of_an_eager_step_on_the_same_inputs()
    {
        var step = new BlockStep(1);
        using var captured = CapturedStep.Capture(step.Run, step.Watched);
        Assert.True(captured.CommandCount > 20);
        // Tensors whose uses never overlap (most of the backward's temporaries) share memory after the capture.
        Assert.InRange(captured.MemoryBytes, 1, captured.TensorBytes * 3 / 4);
        var fromCapture = step.Results(captured.Output!);
        step.ClearGradients();
        AssertSameBits(step.Results(step.Run()), fromCapture);

        foreach (ulong seed in new ulong[] { 40, 50 })
        {
            step.SetInputs(seed);
            step.ClearGradients();
            captured.Replay();
            var replayed = step.Results(captured.Output!);
            step.ClearGradients();
            var eager = step.Results(step.Run());
            AssertSameBits(eager, replayed);
            Assert.NotEqual(fromCapture[0][0], replayed[0][0]);
        }
    }

    [Fact]
    public void Replay_then_adam_follows_the_eager_training_trajectory_bit_for_bit()
    {
        var eager = new BlockStep(7);
        var replayed = new BlockStep(7);
        var eagerAdam = new AdamW(eager.Parameters, 1e-2);
        var replayedAdam = new AdamW(replayed.Parameters, 1e-2);
        using var captured = CapturedStep.Capture(replayed.Run, replayed.Parameters);
        replayedAdam.Step();
        replayedAdam.ZeroGrad();
        eager.Run();
        eagerAdam.Step();
        eagerAdam.ZeroGrad();
        for (int i = 0; i < 3; i++)
        {
            eager.SetInputs(100 + (ulong)i);
            replayed.SetInputs(100 + (ulong)i);
            eager.X.Grad = eager.NodeEmbedding.Grad = null;
            eager.Run();
            eagerAdam.Step();
            eagerAdam.ZeroGrad();
            captured.Replay();
            replayedAdam.Step();
            replayedAdam.ZeroGrad();
        }
        AssertSameBits(eager.Parameters.Select(p => p.ToArray<float>()).ToArray(), replayed.Parameters.Select(p => p.ToArray<float>()).ToArray());
    }

    [Fact]
    public void Constants_made_lazily_under_a_suspended_scope_are_made_once_not_recorded()
    {
        // A graph never used before: its index arrays are uploaded on the first forward, inside the capture.
        var step = new BlockStep(3, TestGraphs.Random(Enumerable.Range(0, 81).Select(i => 1 + i % 30).ToArray(), 4));
        using var captured = CapturedStep.Capture(step.Run, step.Watched);
        step.SetInputs(77);
        step.ClearGradients();
        captured.Replay();
        var replayed = step.Results(captured.Output!);
        step.ClearGradients();
        AssertSameBits(step.Results(step.Run()), replayed);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "item", "download" },
        { "random", "random" },
        { "upload", "upload" },
        { "adam", "adam_step" },
        { "clip", "cpu_buffer" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_step_that_a_replay_could_not_repeat_is_refused_by_name_and_the_thread_stops_recording(string what, string op)
    {
        var step = new BlockStep(5);
        var adam = new AdamW(step.Parameters, 1e-3);
        Tensor Body()
        {
            var loss = step.Run();
            switch (what)
            {
                case "item": loss.Item(); break;
                case "random": Tensor.Randn([4], new Generator(1)); break;
                case "upload": Tensor.FromArray(new float[] { 1, 2 }, [2]); break;
                case "adam": adam.Step(); break;
                case "clip": GradClipping.ClipGradNorm(step.Parameters, 1.0); break;
            }
            return loss;
        }

        var error = Assert.Throws<CaptureException>(() => CapturedStep.Capture(Body, step.Parameters));
        Assert.Equal(op, error.Op);
        Assert.Null(CommandRecorder.Current);
        step.ClearGradients();
        Assert.True(double.IsFinite(step.Run().Item()));
    }

    [Fact]
    public void A_parameter_that_already_has_a_gradient_or_a_nested_capture_is_refused()
    {
        var step = new BlockStep(6);
        step.Run();
        var error = Assert.Throws<CaptureException>(() => CapturedStep.Capture(step.Run, step.Parameters));
        Assert.Contains("ZeroGrad", error.Message);

        step.ClearGradients();
        var nested = Assert.Throws<CaptureException>(() => CapturedStep.Capture(() => CapturedStep.Capture(step.Run).Output));
        Assert.Contains("nested", nested.Message);
        Assert.Null(CommandRecorder.Current);
    }

    [Fact]
    public void A_parameter_given_new_memory_makes_the_capture_stale_and_a_replay_refuse()
    {
        var step = new BlockStep(12);
        using var captured = CapturedStep.Capture(step.Run, step.Parameters);
        Assert.True(captured.IsCurrent);
        // There and back: the same tensor object, new CPU memory the recorded calls do not know.
        step.Parameters[0].MoveTo(Device.IlgpuCpu);
        step.Parameters[0].MoveTo(Device.Cpu);
        Assert.False(captured.IsCurrent);
        var error = Assert.Throws<CaptureException>(captured.Replay);
        Assert.Contains("capture the step again", error.Message);
    }

    [Fact]
    public void Disposing_returns_the_memory_and_clears_the_gradients_it_owns()
    {
        var step = new BlockStep(8);
        var captured = CapturedStep.Capture(step.Run, step.Parameters);
        var output = captured.Output!;
        Assert.All(step.Parameters, p => Assert.NotNull(p.Grad));
        captured.Dispose();
        Assert.All(step.Parameters, p => Assert.Null(p.Grad));
        Assert.Throws<ObjectDisposedException>(() => output.ToArray<float>());
        Assert.Throws<ObjectDisposedException>(captured.Replay);
    }

    [Fact]
    public void Tensors_made_inside_a_scope_within_the_capture_survive_that_scope()
    {
        var step = new BlockStep(9);
        using var captured = CapturedStep.Capture(() =>
        {
            using (TensorScope.Begin()) return step.Run();
        }, step.Parameters);
        step.SetInputs(31);
        captured.Replay();
        var replayed = captured.Output!.ToArray<float>();
        step.ClearGradients();
        Assert.Equal(step.Run().ToArray<float>(), replayed);
    }
}
