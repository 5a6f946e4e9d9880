using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// Adam (Kingma and Ba) with PyTorch's semantics. Per step t and element: (Adam) g += wd * p, or (AdamW) p -= lr *
/// wd * p first; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; denom = sqrt(v) / sqrt(1 - b2^t) + eps;
/// p -= lr / (1 - b1^t) * m / denom. One fused pass over each parameter's memory (the backend's
/// <see cref="Backend.AdamStep"/>, on the parameter's device; the moments live there too).
/// </summary>
public class Adam : Optimizer
{
    private readonly Tensor[] _m, _v;
    private readonly BackendBatch<AdamTarget> _batch;
    private AdamCoefficients _coefficients;

    /// <summary>Decay rate of the first moment.</summary>
    public double Beta1 { get; }
    /// <summary>Decay rate of the second moment.</summary>
    public double Beta2 { get; }
    /// <summary>Added to the bias-corrected root second moment.</summary>
    public double Eps { get; }
    /// <summary>Weight decay: L2 added to the gradient (Adam) or decoupled (AdamW).</summary>
    public double WeightDecay { get; }
    /// <summary>True for AdamW's decoupled weight decay.</summary>
    public bool Decoupled { get; }
    /// <summary>Steps taken so far.</summary>
    public int StepCount { get; private set; }

    /// <summary>Creates Adam (L2 weight decay added to the gradient, PyTorch's <c>torch.optim.Adam</c>).</summary>
    public Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : this(parameters, learningRate, beta1, beta2, eps, weightDecay, decoupled: false) { }

    /// <summary>Creates the optimiser with the decay mode given.</summary>
    protected Adam(IEnumerable<Tensor> parameters, double learningRate, double beta1, double beta2, double eps, double weightDecay, bool decoupled)
        : base(parameters, learningRate)
    {
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), "betas must lie in [0, 1).");
        if (eps < 0 || weightDecay < 0) throw new ArgumentOutOfRangeException(nameof(eps), "eps and weight decay cannot be negative.");
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        Decoupled = decoupled;
        _batch = new BackendBatch<AdamTarget>(Parameters.Count, (backend, targets) => backend.AdamSteps(_coefficients, targets));
        using (TensorScope.Suspend())
        {
            _m = Parameters.Select(p => TensorScope.Persist(Tensor.Zeros(p.Shape, p.DType, p.Device))).ToArray();
            _v = Parameters.Select(p => TensorScope.Persist(Tensor.Zeros(p.Shape, p.DType, p.Device))).ToArray();
        }
    }

    /// <inheritdoc />
    public override void Step()
    {
        StepCount++;
        double bc1 = 1 - Math.Pow(Beta1, StepCount);
        double bc2 = 1 - Math.Pow(Beta2, StepCount);
        _coefficients = new AdamCoefficients(Beta1, Beta2, Eps, LearningRate / bc1, 1 / Math.Sqrt(bc2),
            Decoupled ? 0 : WeightDecay, Decoupled ? LearningRate * WeightDecay : 0);
        using (GradMode.Disable())
        {
            try
            {
                for (int i = 0; i < Parameters.Count; i++)
                {
                    var p = Parameters[i];
                    if (p.Grad == null) continue;
                    var g = ParameterMemory.Grad(p, "adam");
                    _batch.Add(p.Buffer.Backend, new AdamTarget(p.Buffer, p.Layout.Offset, g.Buffer, g.Layout.Offset, _m[i].Buffer, _v[i].Buffer, p.Count));
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

    /// <summary>Copies of the moments of every parameter and the step count (see <see cref="AdamState"/>).</summary>
    public AdamState ExportState()
    {
        using (TensorScope.Suspend())
        using (GradMode.Disable())
            return new AdamState(_m.Select(m => m.Clone()).ToArray(), _v.Select(v => v.Clone()).ToArray(), StepCount);
    }

    /// <summary>
    /// Restores moments and step count exported by <see cref="ExportState"/> (from an optimiser over parameters of the
    /// same shapes, in the same order); the values are converted to each parameter's dtype. Continuing from here gives
    /// exactly the updates the exporting optimiser would have made.
    /// </summary>
    public void ImportState(AdamState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.FirstMoments.Count != Parameters.Count || state.SecondMoments.Count != Parameters.Count)
            throw new CheckpointException(null, $"the Adam state holds {state.FirstMoments.Count} first and {state.SecondMoments.Count} second moments for {Parameters.Count} parameters.");
        if (state.StepCount < 0) throw new CheckpointException(null, $"the Adam step count cannot be negative, got {state.StepCount}.");
        for (int i = 0; i < Parameters.Count; i++)
        {
            var shape = Parameters[i].Shape;
            foreach (var (moment, what) in new[] { (state.FirstMoments[i], "first"), (state.SecondMoments[i], "second") })
                if (!moment.Shape.AsSpan().SequenceEqual(shape))
                    throw new CheckpointException(null, $"the {what} moment of parameter {i} has shape {Layout.Format(moment.Shape)}, the parameter {Layout.Format(shape)}.");
        }
        using (GradMode.Disable())
            for (int i = 0; i < Parameters.Count; i++)
            {
                var p = Parameters[i];
                _m[i].CopyFrom(state.FirstMoments[i].To(p.Device).To(p.DType));
                _v[i].CopyFrom(state.SecondMoments[i].To(p.Device).To(p.DType));
            }
        StepCount = state.StepCount;
    }
}

/// <summary>AdamW (Loshchilov and Hutter): Adam with decoupled weight decay p -= lr * wd * p before the Adam step (PyTorch's default wd 0.01).</summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates AdamW.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2)
        : base(parameters, learningRate, beta1, beta2, eps, weightDecay, decoupled: true) { }
}
