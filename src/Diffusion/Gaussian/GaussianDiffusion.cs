using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>
/// A Gaussian (DDPM) diffusion over flat per-datum vectors x [batch, D], independent of the network: the
/// forward process, the denoiser call with observation clamping, the posterior, and (in
/// <c>GaussianDiffusion.Loss.cs</c>) the training loss. Samplers and the ELBO build on it.
/// </summary>
public sealed partial class GaussianDiffusion
{
    /// <summary>A diffusion with <paramref name="schedule"/> whose denoiser predicts <paramref name="prediction"/>.</summary>
    public GaussianDiffusion(GaussianSchedule schedule, Prediction prediction = Prediction.X0)
    {
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        Prediction = prediction;
    }

    /// <summary>The reference configuration: linear betas 1e-4 to 0.005, T = 1000, x0-prediction.</summary>
    public static GaussianDiffusion Default() => new(GaussianSchedule.Create());

    /// <summary>The noise schedule.</summary>
    public GaussianSchedule Schedule { get; }
    /// <summary>What the denoiser predicts.</summary>
    public Prediction Prediction { get; }
    /// <summary>The number of diffusion steps T.</summary>
    public int Timesteps => Schedule.Timesteps;

    /// <summary>x_t = sqrt(alpha-bar[t_i]) x0_i + sqrt(1 - alpha-bar[t_i]) noise_i for each item i.</summary>
    public Tensor QSample(Tensor x0, IReadOnlyList<int> t, Tensor noise)
    {
        var (a, b) = QSampleColumns(x0, t, noise);
        return x0 * a + noise * b;
    }

    /// <summary>The columns [batch, 1] sqrt(alpha-bar[t_i]) and sqrt(1 - alpha-bar[t_i]) in x0's dtype, after checking the batch and the noise's shape.</summary>
    internal (Tensor SqrtAlphaBar, Tensor SqrtOneMinusAlphaBar) QSampleColumns(Tensor x0, IReadOnlyList<int> t, Tensor noise)
    {
        CheckBatch("q_sample", x0, t);
        if (!noise.Shape.SequenceEqual(x0.Shape))
            throw new TensorShapeException("q_sample", $"noise {Layout.Format(noise.Shape)} must match x0 {Layout.Format(x0.Shape)}.");
        var abar = t.Select(s => Schedule.AlphaBarAt(s)).ToArray();
        return (Column(abar.Select(Math.Sqrt), x0.DType), Column(abar.Select(a => Math.Sqrt(1 - a)), x0.DType));
    }

    /// <summary>x_t for one timestep <paramref name="t"/> shared by the whole batch.</summary>
    public Tensor QSample(Tensor x0, int t, Tensor noise) => QSample(x0, Enumerable.Repeat(t, x0.Dim(0)).ToArray(), noise);

    /// <summary>
    /// The denoiser's estimate of x0 from <paramref name="xt"/>: the network sees x_t with observed entries
    /// clamped, an eps prediction is turned into x0 = (x_t - sqrt(1 - alpha-bar) eps) / sqrt(alpha-bar), and the
    /// observed entries of the estimate are overwritten by the observations.
    /// </summary>
    public Tensor PredictX0(IDenoiser denoiser, Tensor xt, IReadOnlyList<int> t, Observation observation)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(observation);
        CheckBatch("predict_x0", xt, t);
        var output = Call(denoiser, xt, t, observation);
        if (Prediction == Prediction.Eps)
        {
            var abar = t.Select(s => Schedule.AlphaBarAt(s)).ToArray();
            output = (xt - output * Column(abar.Select(a => Math.Sqrt(1 - a)), xt.DType)) * Column(abar.Select(a => 1 / Math.Sqrt(a)), xt.DType);
        }
        return observation.Clamp(output);
    }

    /// <summary>The mean of q(x_{t-1} | x_t, x0) for one timestep t: PosteriorMeanCoefX0[t] x0 + PosteriorMeanCoefXt[t] x_t.</summary>
    public Tensor PosteriorMean(Tensor x0, Tensor xt, int t)
    {
        var step = Schedule.Step(t, t - 1);
        return x0 * step.MeanCoefX0 + xt * step.MeanCoefXt;
    }

    /// <summary>Runs the denoiser on x_t with observed entries clamped; the raw output, not yet clamped.</summary>
    internal Tensor Call(IDenoiser denoiser, Tensor xt, IReadOnlyList<int> t, Observation observation) =>
        Call(denoiser, xt, TimestepTensor(t, xt.DType), observation);

    /// <summary><see cref="Call(IDenoiser, Tensor, IReadOnlyList{int}, Observation)"/> with the timesteps already in a tensor [batch].</summary>
    internal Tensor Call(IDenoiser denoiser, Tensor xt, Tensor timesteps, Observation observation)
    {
        var input = observation.Clamp(xt);
        var output = denoiser.Predict(input, timesteps, observation.Mask, observation.Values);
        if (!output.Shape.SequenceEqual(xt.Shape) || output.DType != xt.DType)
            throw new TensorShapeException("denoiser", $"the denoiser returned {output.DType} {Layout.Format(output.Shape)} for input {xt.DType} {Layout.Format(xt.Shape)}; it must return the input's shape and dtype.");
        return output;
    }

    /// <summary>The timesteps as a float tensor [batch] of <paramref name="dtype"/>.</summary>
    public static Tensor TimestepTensor(IReadOnlyList<int> t, DType dtype = DType.F32) =>
        Tensor.FromArray(t.Select(s => (double)s).ToArray(), [t.Count]).To(dtype);

    /// <summary>A column [n, 1] of per-item scalars in <paramref name="dtype"/>, to broadcast over D.</summary>
    internal static Tensor Column(IEnumerable<double> values, DType dtype)
    {
        var v = values.ToArray();
        var column = Tensor.FromArray(v, [v.Length, 1]);
        return dtype == DType.F64 ? column : column.To(dtype);
    }

    private void CheckBatch(string op, Tensor x, IReadOnlyList<int> t)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(t);
        if (x.Rank != 2)
            throw new TensorShapeException(op, $"data must be flat vectors [batch, D], got {Layout.Format(x.Shape)}; reshape each datum to one row.");
        if (!x.DType.IsFloat())
            throw new TensorDTypeException(op, $"data must be float, got {x.DType}.");
        if (t.Count != x.Dim(0))
            throw new TensorShapeException(op, $"{t.Count} timesteps for a batch of {x.Dim(0)}.");
        foreach (int s in t)
            if (s < 0 || s >= Timesteps)
                throw new ArgumentOutOfRangeException(nameof(t), $"timestep {s} is outside 0..{Timesteps - 1}.");
    }
}
