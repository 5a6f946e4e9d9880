using GsdmCore.Autograd;
using GsdmCore.Diffusion;
using GsdmCore.Nn;

namespace GsdmCore.Compare;

/// <summary>
/// GsdmCore's step, as <c>GsdmTrainer.TrainStep</c> does it: the loss's forward and backward pass captured on the first
/// step and replayed afterwards (<see cref="CapturedStep"/>), then clipping, Adam and the EMA, inside one TensorScope, on
/// the chosen device (each step waits for the device before it returns, so timings cover the work). The draws are fixed,
/// as the torch engine's are: they are copied into the loss batch once. A sampling step is one denoiser call, captured
/// on the first and replayed after, as the library's sampling loops run it (<see cref="CapturedDenoiser"/>).
/// </summary>
internal sealed class GsdmEngine : IEngine
{
    private readonly GaussianDiffusion _diffusion;
    private readonly Adam _adam;
    private readonly ExponentialMovingAverage _ema;
    private readonly Tensor _x0, _noise, _mask;
    private readonly int[] _t;
    private readonly Device _device;
    private readonly Tensor _sampleXt, _sampleT, _sampleMask, _sampleValues;
    private readonly GaussianLossBatch _lossBatch;
    private CapturedStep? _captured;
    private readonly CapturedDenoiser _sampler;

    public GsdmDenoiser Model { get; }
    public string Name => "gsdm";
    public long ParameterCount => Model.Parameters().Sum(p => (long)p.Count);

    public GsdmEngine(CompiledGraph graph, GsdmDenoiserConfig config, GaussianDiffusion diffusion, StepInputs train, StepInputs sample, Device device)
    {
        _device = device;
        using var onDevice = Device.Use(device);
        _diffusion = diffusion;
        Model = new GsdmDenoiser(graph, config);
        _adam = new Adam(Model.Parameters(), Hyper.LearningRate, Hyper.Beta1, Hyper.Beta2, Hyper.Eps);
        _ema = new ExponentialMovingAverage(Model, Hyper.EmaDecay);
        using (TensorScope.Suspend())
        {
            int[] shape = [train.Batch, train.Width];
            _x0 = Tensor.FromArray(train.X0, shape);
            _noise = Tensor.FromArray(train.Noise, shape);
            _mask = Tensor.FromArray(train.Mask, shape);
            _t = train.T;
            int[] sampleShape = [sample.Batch, sample.Width];
            _sampleXt = Tensor.FromArray(sample.ClampedXt(), sampleShape);
            _sampleT = GaussianDiffusion.TimestepTensor(sample.T);
            _sampleMask = Tensor.FromArray(sample.Mask, sampleShape);
            _sampleValues = Tensor.FromArray(sample.X0, sampleShape);
        }
        _sampler = new CapturedDenoiser(Model);
        _lossBatch = new GaussianLossBatch(train.Batch, train.Width);
        _lossBatch.Set(diffusion, _x0, _t, _noise, _mask);
    }

    public double TrainStep()
    {
        using var onDevice = Device.Use(_device);
        using var scope = TensorScope.Begin();
        _adam.ZeroGrad();
        if (_captured is { IsCurrent: true }) _captured.Replay();
        else
            _captured = CapturedStep.Capture(() =>
            {
                var loss = _diffusion.Loss(Model, _lossBatch);
                loss.Backward();
                return loss;
            }, Model.Parameters());
        double value = _captured.Output!.Item();
        GradClipping.ClipGradNorm(Model.Parameters(), Hyper.Clip);
        _adam.Step();
        _ema.Update();
        _adam.ZeroGrad();
        _device.Backend.Synchronize();
        return value;
    }

    public float[]? SampleStep(bool copyOut = false)
    {
        using var onDevice = Device.Use(_device);
        using var scope = TensorScope.Begin();
        using var noGrad = GradMode.Disable();
        var x0 = _sampler.Predict(_sampleXt, _sampleT, _sampleMask, _sampleValues);
        var result = copyOut ? x0.ToArray<float>() : null;
        _device.Backend.Synchronize();
        return result;
    }

    /// <summary>The training-batch tensors, for the profiler.</summary>
    internal (Tensor X0, Tensor Noise, Tensor Mask, int[] T, GaussianDiffusion Diffusion, Adam Adam, ExponentialMovingAverage Ema) Parts =>
        (_x0, _noise, _mask, _t, _diffusion, _adam, _ema);

    /// <summary>The sampling-step tensors, for the profiler.</summary>
    internal (Tensor Xt, Tensor T, Tensor Mask, Tensor Values) SampleParts => (_sampleXt, _sampleT, _sampleMask, _sampleValues);

    public void Dispose()
    {
        _captured?.Dispose();
        _sampler.Dispose();
    }
}
