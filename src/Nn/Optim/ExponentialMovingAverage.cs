using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// An exponential moving average of a module's parameters: after each optimiser step, shadow = decay * shadow +
/// (1 - decay) * param. For evaluation the shadow weights are swapped into the parameters and back out afterwards.
/// The shadow weights live on each parameter's device; every update is a tensor op there.
/// </summary>
public sealed class ExponentialMovingAverage
{
    private readonly List<(string Name, Tensor Parameter)> _parameters;
    private readonly Tensor[] _shadow;
    private readonly BackendBatch<MovingAverageTarget> _batch;

    /// <summary>The decay rate.</summary>
    public double Decay { get; }
    /// <summary>True while the shadow weights sit in the parameters (between <see cref="SwapIn"/> and <see cref="SwapOut"/>).</summary>
    public bool IsSwappedIn { get; private set; }

    /// <summary>Starts the average at the current parameters of <paramref name="module"/>.</summary>
    public ExponentialMovingAverage(Module module, double decay = 0.9999)
    {
        if (decay < 0 || decay > 1) throw new ArgumentOutOfRangeException(nameof(decay), "decay must lie in [0, 1].");
        Decay = decay;
        _parameters = module.NamedParameters().ToList();
        using (TensorScope.Suspend())
        using (GradMode.Disable())
            _shadow = _parameters.Select(p => TensorScope.Persist(p.Parameter.Detach().Clone())).ToArray();
        _batch = new BackendBatch<MovingAverageTarget>(_parameters.Count, (backend, targets) => backend.MovingAverageSteps(targets, Decay));
    }

    /// <summary>Folds the current parameters into the average.</summary>
    public void Update()
    {
        if (IsSwappedIn) throw new InvalidOperationException("the EMA weights are swapped in; call SwapOut() before Update().");
        // shadow = d * shadow + (1 - d) * p in one pass, each product rounded to the dtype, then the sum.
        using (GradMode.Disable())
        {
            try
            {
                for (int i = 0; i < _parameters.Count; i++)
                {
                    var (p, shadow) = (ParameterMemory.Like(_parameters[i].Parameter, _shadow[i]), _shadow[i]);
                    _batch.Add(shadow.Buffer.Backend, new MovingAverageTarget(shadow.Buffer, p.Buffer, p.Layout.Offset, p.Count));
                }
            }
            catch
            {
                _batch.Discard();
                throw;
            }
            _batch.Complete();
        }
    }

    /// <summary>Puts the averaged weights into the parameters (keeping the live ones aside).</summary>
    public void SwapIn()
    {
        if (IsSwappedIn) throw new InvalidOperationException("the EMA weights are already swapped in.");
        Swap();
        IsSwappedIn = true;
    }

    /// <summary>Restores the live weights.</summary>
    public void SwapOut()
    {
        if (!IsSwappedIn) throw new InvalidOperationException("the EMA weights are not swapped in.");
        Swap();
        IsSwappedIn = false;
    }

    /// <summary>Swaps the averaged weights in until the returned scope is disposed: <c>using (ema.Apply()) { evaluate(); }</c>.</summary>
    public IDisposable Apply()
    {
        SwapIn();
        return new Scope(this);
    }

    /// <summary>Copies of the averaged weights by parameter name (for checkpoints).</summary>
    public Dictionary<string, Tensor> ShadowState()
    {
        var result = new Dictionary<string, Tensor>();
        using (GradMode.Disable())
            for (int i = 0; i < _parameters.Count; i++) result[_parameters[i].Name] = _shadow[i].Clone();
        return result;
    }

    /// <summary>
    /// Restores averaged weights saved with <see cref="ShadowState"/>: every parameter name must be present with its
    /// shape (values are converted to the parameter's dtype). Not allowed while the average is swapped in.
    /// </summary>
    public void LoadShadowState(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (IsSwappedIn) throw new InvalidOperationException("the EMA weights are swapped in; call SwapOut() before loading a shadow state.");
        foreach (var (name, p) in _parameters)
        {
            if (!state.TryGetValue(name, out var source))
                throw new CheckpointException(name, $"the EMA state has no entry for parameter '{name}'.");
            if (!source.Shape.AsSpan().SequenceEqual(p.Shape))
                throw new CheckpointException(name, $"the EMA state holds shape {Layout.Format(source.Shape)} for a parameter of shape {Layout.Format(p.Shape)}.");
        }
        using (GradMode.Disable())
            for (int i = 0; i < _parameters.Count; i++)
            {
                var p = _parameters[i].Parameter;
                _shadow[i].CopyFrom(state[_parameters[i].Name].To(p.Device).To(p.DType));
            }
    }

    private void Swap()
    {
        using (GradMode.Disable())
            for (int i = 0; i < _parameters.Count; i++)
            {
                var p = _parameters[i].Parameter;
                var live = p.Detach().Clone();
                p.CopyFrom(_shadow[i]);
                _shadow[i].CopyFrom(live);
            }
    }

    private sealed class Scope(ExponentialMovingAverage owner) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            owner.SwapOut();
        }
    }
}
