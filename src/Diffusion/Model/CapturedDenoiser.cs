using GsdmCore.Nn;

namespace GsdmCore.Diffusion;

/// <summary>
/// A denoiser whose inference pass is captured once (<see cref="CapturedStep"/>) and replayed for every later call with
/// inputs of the same shapes, dtypes and device: a sampling loop of many steps then builds the network's ops once. The
/// results are the bits the wrapped denoiser gives. Calls that record gradients (grad mode on and an input or
/// parameter requiring one) run the wrapped denoiser eagerly. Dispose it to return the captured pass's memory.
/// </summary>
public sealed class CapturedDenoiser : IDenoiser, IDisposable
{
    private readonly IDenoiser _inner;
    private readonly IReadOnlyList<Tensor> _parameters;
    private CapturedStep? _step;
    private Tensor? _xt, _t, _mask, _values;

    /// <summary>Wraps <paramref name="model"/>, watching its parameters (a parameter moved to new memory makes the next call capture again).</summary>
    public CapturedDenoiser(GsdmDenoiser model)
    {
        _inner = model ?? throw new ArgumentNullException(nameof(model));
        _parameters = model.Parameters();
    }

    /// <summary>Number of passes captured so far (one, unless the inputs' shapes changed or the parameters moved).</summary>
    public int Captures { get; private set; }

    /// <inheritdoc />
    /// <remarks>The result is a fresh tensor (a copy of the captured pass's output), which later calls do not overwrite.</remarks>
    public Tensor Predict(Tensor xt, Tensor t, Tensor observedMask, Tensor observedValues)
    {
        if (GradMode.IsEnabled && (xt.RequiresGrad || observedValues.RequiresGrad || _parameters.Any(p => p.RequiresGrad)))
            return _inner.Predict(xt, t, observedMask, observedValues);
        using (GradMode.Disable())
        {
            if (_step is not { IsCurrent: true } || !Fits(_xt!, xt) || !Fits(_t!, t) || !Fits(_mask!, observedMask) || !Fits(_values!, observedValues))
                Capture(xt, t, observedMask, observedValues);
            else
            {
                _xt!.CopyFrom(xt);
                _t!.CopyFrom(t);
                _mask!.CopyFrom(observedMask);
                _values!.CopyFrom(observedValues);
                _step.Replay();
            }
            return _step!.Output!.Clone();
        }
    }

    /// <summary>Returns the captured pass's memory; the next call captures again.</summary>
    public void Dispose()
    {
        _step?.Dispose();
        _step = null;
    }

    /// <summary>Copies the inputs into tensors of their own and captures the wrapped denoiser's pass over them.</summary>
    private void Capture(Tensor xt, Tensor t, Tensor observedMask, Tensor observedValues)
    {
        _step?.Dispose();
        _step = null;
        using (TensorScope.Suspend())
        {
            _xt = TensorScope.Persist(xt.Clone());
            _t = TensorScope.Persist(t.Clone());
            _mask = TensorScope.Persist(observedMask.Clone());
            _values = TensorScope.Persist(observedValues.Clone());
        }
        var (a, b, c, d) = (_xt, _t, _mask, _values);
        _step = CapturedStep.Capture(() => _inner.Predict(a, b, c, d), _parameters);
        Captures++;
    }

    private static bool Fits(Tensor held, Tensor given) =>
        held.DType == given.DType && held.Device == given.Device && held.Layout.Shape.AsSpan().SequenceEqual(given.Layout.Shape);
}
