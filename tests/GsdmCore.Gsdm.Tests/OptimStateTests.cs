using GsdmCore.Nn;

namespace GsdmCore.Gsdm.Tests;

/// <summary>Adam and EMA state export / import (the additions the trainer's checkpoints rely on).</summary>
public class OptimStateTests
{
    private static (Tensor P, Adam Adam) Stepped(DType dtype, int steps)
    {
        var p = Tensor.FromArray(new double[] { 1, -2, 3, 0.5 }, [2, 2]).To(dtype).RequireGrad();
        var adam = new Adam([p], learningRate: 0.1);
        for (int i = 0; i < steps; i++) Step(p, adam, i);
        return (p, adam);
    }

    private static void Step(Tensor p, Adam adam, int i)
    {
        adam.ZeroGrad();
        ((p * p).Sum() * (1 + i)).Backward();
        adam.Step();
    }

    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.F64)]
    public void Adam_continues_exactly_from_an_imported_state(DType dtype)
    {
        var (p, adam) = Stepped(dtype, 3);
        var state = adam.ExportState();
        Assert.Equal(3, state.StepCount);
        Tensor q;
        using (GradMode.Disable()) q = p.Detach().Clone().RequireGrad();
        var other = new Adam([q], learningRate: 0.1);
        other.ImportState(state);
        Assert.Equal(3, other.StepCount);
        Step(p, adam, 3);
        Step(q, other, 3);
        Assert.Equal(p.ToArray<double>(), q.ToArray<double>());
    }

    [Fact]
    public void Adam_rejects_a_state_of_the_wrong_shape()
    {
        var (_, adam) = Stepped(DType.F32, 1);
        var bad = new AdamState([Tensor.Zeros([4])], [Tensor.Zeros([2, 2])], 1);
        Assert.Throws<CheckpointException>(() => adam.ImportState(bad));
        Assert.Throws<CheckpointException>(() => adam.ImportState(new AdamState([], [], 1)));
    }

    [Fact]
    public void Ema_shadow_state_round_trips()
    {
        var model = new Linear(3, 2, new Generator(1));
        var ema = new ExponentialMovingAverage(model, 0.5);
        using (GradMode.Disable()) model.Weight.CopyFrom(model.Weight * 3);
        ema.Update();
        var saved = ema.ShadowState();
        var other = new ExponentialMovingAverage(model, 0.5);
        other.LoadShadowState(saved);
        Assert.All(other.ShadowState(), p => Assert.Equal(saved[p.Key].ToArray(), p.Value.ToArray()));
        Assert.Throws<CheckpointException>(() => other.LoadShadowState(new Dictionary<string, Tensor> { ["weight"] = Tensor.Zeros([2, 3]) }));
        using (other.Apply()) Assert.Throws<InvalidOperationException>(() => other.LoadShadowState(saved));
    }
}
