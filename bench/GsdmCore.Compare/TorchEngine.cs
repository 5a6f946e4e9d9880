using GsdmCore.Diffusion;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GsdmCore.Compare;

using Tensor = TorchSharp.torch.Tensor;

/// <summary>The TorchSharp step: forward, loss, backward, clip_grad_norm_, Adam (beta2 passed as 0.999), EMA, in a dispose scope.</summary>
internal sealed class TorchEngine : IEngine
{
    private readonly TorchDenoiser _model;
    private readonly optim.Optimizer _adam;
    private readonly Tensor[] _shadow;
    private readonly Tensor _x0, _noise, _observed, _t, _a, _b;
    private readonly Tensor _sampleXt, _sampleT, _sampleObserved, _sampleValues;

    public string Name => "torch-" + TorchAttention.Label(_model.Variant);
    public long ParameterCount => _model.Parameters.Count;
    public TorchDenoiser Model => _model;

    public TorchEngine(CompiledGraph graph, GsdmDenoiserConfig config, TorchAttentionVariant variant, StepInputs train, StepInputs sample)
    {
        _model = new TorchDenoiser(graph, config, config.Attention != AttentionKind.Sparse, variant);
        _adam = optim.Adam(_model.Parameters.All, Hyper.LearningRate, Hyper.Beta1, Hyper.Beta2, Hyper.Eps);
        long[] shape = [train.Batch, train.Width];
        _x0 = tensor(train.X0, shape);
        _noise = tensor(train.Noise, shape);
        _observed = tensor(train.Mask, shape).gt(0.5f);
        _t = tensor(train.T.Select(s => (float)s).ToArray());
        _a = tensor(train.SqrtAlphaBar, [train.Batch, 1L]);
        _b = tensor(train.SqrtOneMinusAlphaBar, [train.Batch, 1L]);
        long[] sampleShape = [sample.Batch, sample.Width];
        _sampleXt = tensor(sample.ClampedXt(), sampleShape);
        _sampleT = tensor(sample.T.Select(s => (float)s).ToArray());
        _sampleObserved = tensor(sample.Mask, sampleShape).gt(0.5f);
        _sampleValues = tensor(sample.X0, sampleShape);
        using (no_grad()) _shadow = _model.Parameters.All.Select(p => p.detach().clone()).ToArray();
    }

    /// <summary>Makes the EMA shadow equal the current weights (after copying weights in).</summary>
    public void ResetShadow()
    {
        using var noGrad = no_grad();
        var ps = _model.Parameters.All;
        for (int i = 0; i < ps.Count; i++) _shadow[i].copy_(ps[i]);
    }

    public double TrainStep()
    {
        using var scope = NewDisposeScope();
        _adam.zero_grad();
        var xt = _x0 * _a + _noise * _b;
        var input = where(_observed, _x0, xt);
        var output = _model.Predict(input, _t, _observed, _x0);
        var prediction = where(_observed, _x0, output);
        var loss = (_x0 - prediction).square().sum(1).mean();
        double value = loss.item<float>();
        loss.backward();
        nn.utils.clip_grad_norm_(_model.Parameters.All, Hyper.Clip);
        _adam.step();
        using (no_grad())
        {
            var ps = _model.Parameters.All;
            for (int i = 0; i < ps.Count; i++) _shadow[i].mul_(Hyper.EmaDecay).add_(ps[i], alpha: 1 - Hyper.EmaDecay);
        }
        _adam.zero_grad();
        return value;
    }

    public float[]? SampleStep(bool copyOut = false)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x0 = _model.Predict(_sampleXt, _sampleT, _sampleObserved, _sampleValues);
        return copyOut ? x0.data<float>().ToArray() : null;
    }

    public void Dispose() => _adam.Dispose();
}
