using System.Numerics;
using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// Adam (Kingma and Ba) with PyTorch's semantics. Per step t and element: (Adam) g += wd * p, or (AdamW) p -= lr *
/// wd * p first; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; denom = sqrt(v) / sqrt(1 - b2^t) + eps;
/// p -= lr / (1 - b1^t) * m / denom. One fused pass over each parameter's memory.
/// </summary>
public class Adam : Optimizer
{
    private readonly Array[] _m, _v;

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
        _m = Parameters.Select(p => p.DType == DType.F32 ? (Array)new float[p.Count] : new double[p.Count]).ToArray();
        _v = Parameters.Select(p => p.DType == DType.F32 ? (Array)new float[p.Count] : new double[p.Count]).ToArray();
    }

    /// <inheritdoc />
    public override void Step()
    {
        StepCount++;
        double bc1 = 1 - Math.Pow(Beta1, StepCount);
        double bc2 = 1 - Math.Pow(Beta2, StepCount);
        var c = new Coefficients(LearningRate / bc1, 1 / Math.Sqrt(bc2), LearningRate * WeightDecay);
        using (GradMode.Disable())
        {
            for (int i = 0; i < Parameters.Count; i++)
            {
                var p = Parameters[i];
                if (p.Grad == null) continue;
                if (p.DType == DType.F32)
                    Update(ParameterMemory.Span<float>(p, "adam"), ParameterMemory.Grad<float>(p, "adam"), (float[])_m[i], (float[])_v[i], c);
                else
                    Update(ParameterMemory.Span<double>(p, "adam"), ParameterMemory.Grad<double>(p, "adam"), (double[])_m[i], (double[])_v[i], c);
            }
        }
    }

    /// <summary>Copies of the moments of every parameter and the step count (see <see cref="AdamState"/>).</summary>
    public AdamState ExportState()
    {
        Tensor Copy(Array a, Tensor p) => a is float[] f ? Tensor.FromArray(f, p.Shape) : Tensor.FromArray((double[])a, p.Shape);
        using (TensorScope.Suspend())
            return new AdamState(
                Parameters.Select((p, i) => Copy(_m[i], p)).ToArray(),
                Parameters.Select((p, i) => Copy(_v[i], p)).ToArray(),
                StepCount);
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
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (_m[i] is float[] m)
            {
                state.FirstMoments[i].ToArray<float>().CopyTo(m, 0);
                state.SecondMoments[i].ToArray<float>().CopyTo((float[])_v[i], 0);
            }
            else
            {
                state.FirstMoments[i].ToArray<double>().CopyTo((double[])_m[i], 0);
                state.SecondMoments[i].ToArray<double>().CopyTo((double[])_v[i], 0);
            }
        }
        StepCount = state.StepCount;
    }

    private readonly record struct Coefficients(double StepSize, double InvSqrtBc2, double DecoupledDecay);

    private void Update<T>(Span<T> p, ReadOnlySpan<T> g, T[] m, T[] v, Coefficients c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b1 = T.CreateChecked(Beta1), b2 = T.CreateChecked(Beta2);
        T oneMinusB1 = T.One - b1, oneMinusB2 = T.One - b2;
        T eps = T.CreateChecked(Eps), stepSize = T.CreateChecked(c.StepSize), invSqrtBc2 = T.CreateChecked(c.InvSqrtBc2);
        T l2 = Decoupled ? T.Zero : T.CreateChecked(WeightDecay);
        T keep = T.One - T.CreateChecked(Decoupled ? c.DecoupledDecay : 0);
        int n = p.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vb1 = new Vector<T>(b1); var vb2 = new Vector<T>(b2);
            var v1m = new Vector<T>(oneMinusB1); var v2m = new Vector<T>(oneMinusB2);
            var veps = new Vector<T>(eps); var vstep = new Vector<T>(stepSize); var vinv = new Vector<T>(invSqrtBc2);
            var vl2 = new Vector<T>(l2); var vkeep = new Vector<T>(keep);
            var mp = m.AsSpan(); var vp = v.AsSpan();
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var pi = new Vector<T>(p[i..]);
                var gi = new Vector<T>(g[i..]) + vl2 * pi;
                pi *= vkeep;
                var mi = vb1 * new Vector<T>(mp[i..]) + v1m * gi;
                var vi = vb2 * new Vector<T>(vp[i..]) + v2m * gi * gi;
                pi -= vstep * mi / (Vector.SquareRoot(vi) * vinv + veps);
                mi.CopyTo(mp[i..]);
                vi.CopyTo(vp[i..]);
                pi.CopyTo(p[i..]);
            }
        }
        for (; i < n; i++)
        {
            T pi = p[i];
            T gi = g[i] + l2 * pi;
            pi *= keep;
            T mi = b1 * m[i] + oneMinusB1 * gi;
            T vi = b2 * v[i] + oneMinusB2 * gi * gi;
            p[i] = pi - stepSize * mi / (T.Sqrt(vi) * invSqrtBc2 + eps);
            m[i] = mi;
            v[i] = vi;
        }
    }
}

/// <summary>AdamW (Loshchilov and Hutter): Adam with decoupled weight decay p -= lr * wd * p before the Adam step (PyTorch's default wd 0.01).</summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates AdamW.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2)
        : base(parameters, learningRate, beta1, beta2, eps, weightDecay, decoupled: true) { }
}
