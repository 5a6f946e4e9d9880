using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>
/// A categorical diffusion (multinomial or absorbing) of the categorical slices of flat per-datum vectors, with the
/// continuous entries under the Gaussian diffusion <see cref="Gaussian"/> at the same timestep: one network, one
/// timestep, one loss. Timesteps are one-based here, t = 1..T (x_0 is the data); the network is called with the
/// zero-based t - 1, as in <see cref="GaussianDiffusion"/>, whose step t - 1 pairs with categorical step t.
/// <para>
/// States: a categorical node with K classes is a one-hot slice of K entries. The absorbing process adds a mask state
/// (class K, index K of the internal K + 1 states); in the flat vector (and so in the network input) a masked node is an
/// all-zero slice, so the network keeps its width and its per-node K -> d input projection (a zero slice projects to the
/// bias alone, distinct from every class). The network predicts x0 probabilities over the K real classes.
/// </para>
/// <para>
/// Transitions (D3PM, row vectors): multinomial Q_t = alpha_t I + (1 - alpha_t) 11^T / K, absorbing Q_t = alpha_t I +
/// (1 - alpha_t) 1 e_m^T; the cumulative transition from s to t is the same with alpha-bar_t / alpha-bar_s. The
/// posterior q(x_s | x_t, x0) is proportional to (x_t Q_{s->t}^T) * (x0 Qbar_s); with a probability vector x0_hat in
/// place of x0 the reverse step is the expectation form sum_x0 x0_hat(x0) q(x_s | x_t, x0) (see
/// <see cref="LogPosterior"/>). Logs are taken of products floored at 1e-30 and normalised by log-sum-exp, so no probability
/// underflows to NaN.
/// </para>
/// </summary>
/// <example>
/// <code>
/// var problem = new SudokuProblem(2, 2);
/// var diffusion = CategoricalDiffusion.For(problem.Graph, DiffusionKind.Multinomial, timesteps: 200);
/// var model = new GsdmDenoiser(problem.Graph, new GsdmDenoiserConfig { EmbeddingDim = 32, Blocks = 2, Heads = 2 });
/// var batch = problem.Sample(32, seed: 1);
/// var loss = diffusion.Loss(model, batch.Data, new Generator(7), batch.ObservedFeatures);   // scalar, Backward()
/// var samples = new CategoricalSampler(diffusion).Sample(model, batch.Size, new Generator(9),
///     new Observation(batch.ObservedFeatures, batch.Data), TimestepSequence.Uniform(200, 50));
/// </code>
/// </example>
public sealed partial class CategoricalDiffusion
{
    internal const double LogFloor = 1e-30;
    private readonly CategoricalGroup[] _groups;
    private readonly bool[] _continuous;

    /// <summary>
    /// A categorical diffusion of <paramref name="kind"/> over data of <paramref name="layout"/>.
    /// <paramref name="schedule"/> defaults to <see cref="CategoricalSchedule.Default"/> with T = 1000;
    /// <paramref name="gaussian"/> (for continuous entries; x0-prediction) defaults to the reference linear schedule with
    /// the same T; <paramref name="hybridWeight"/> is D3PM's lambda (0: the pure variational bound);
    /// <paramref name="categoricalWeight"/> scales the categorical nodes' terms against the continuous entries' squared
    /// error in a mixed model (see <see cref="CategoricalWeight"/>).
    /// </summary>
    public CategoricalDiffusion(DiffusionKind kind, DatumLayout layout, CategoricalSchedule? schedule = null,
        GaussianDiffusion? gaussian = null, double hybridWeight = 0, double categoricalWeight = 1)
    {
        if (kind == DiffusionKind.Gaussian)
            throw new ArgumentException("a categorical diffusion is Multinomial or Absorbing; use GaussianDiffusion for Gaussian.", nameof(kind));
        Layout = layout ?? throw new ArgumentNullException(nameof(layout));
        Kind = kind;
        Schedule = schedule ?? CategoricalSchedule.Default(kind);
        Gaussian = gaussian ?? new GaussianDiffusion(GaussianSchedule.Create(timesteps: Schedule.Timesteps));
        if (Gaussian.Timesteps != Schedule.Timesteps)
            throw new ArgumentException($"the Gaussian part has T = {Gaussian.Timesteps} but the categorical schedule has T = {Schedule.Timesteps}; one shared timestep needs one T.", nameof(gaussian));
        if (Gaussian.Prediction != Prediction.X0)
            throw new ArgumentException("the network predicts x0 probabilities, so the Gaussian part must use x0-prediction.", nameof(gaussian));
        if (!(hybridWeight >= 0) || !double.IsFinite(hybridWeight))
            throw new ArgumentOutOfRangeException(nameof(hybridWeight), $"the hybrid weight must be a finite number >= 0, got {hybridWeight}.");
        if (!(categoricalWeight > 0) || !double.IsFinite(categoricalWeight))
            throw new ArgumentOutOfRangeException(nameof(categoricalWeight), $"the categorical weight must be a finite number > 0, got {categoricalWeight}.");
        HybridWeight = hybridWeight;
        CategoricalWeight = categoricalWeight;
        _groups = CategoricalGroup.Of(layout);
        _continuous = Enumerable.Range(0, layout.Dim).Select(layout.IsContinuous).ToArray();
        HasContinuous = layout.HasContinuous;
        CategoricalNodes = layout.Categorical.Count;
    }

    /// <summary>
    /// The diffusion for <paramref name="graph"/>'s feature layout with the default schedule of <paramref name="kind"/> and
    /// <paramref name="timesteps"/> steps.
    /// </summary>
    public static CategoricalDiffusion For(CompiledGraph graph, DiffusionKind kind, int timesteps = 1000, double hybridWeight = 0) =>
        new(kind, LayoutOf(graph), CategoricalSchedule.Default(kind, timesteps), null, hybridWeight);

    /// <summary>The flat layout of <paramref name="graph"/>: one categorical slice per categorical node.</summary>
    public static DatumLayout LayoutOf(CompiledGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var f = graph.Features;
        var slices = f.Groups.Where(g => g.Kind == VariableKind.Categorical)
            .SelectMany(g => g.Nodes.Select(n => new CategoricalSlice(f.Offset(n), g.Classes)));
        return new DatumLayout(f.Width, slices);
    }

    /// <summary>Multinomial or absorbing.</summary>
    public DiffusionKind Kind { get; }
    /// <summary>The flat layout.</summary>
    public DatumLayout Layout { get; }
    /// <summary>The categorical schedule.</summary>
    public CategoricalSchedule Schedule { get; }
    /// <summary>The Gaussian diffusion of the continuous entries.</summary>
    public GaussianDiffusion Gaussian { get; }
    /// <summary>D3PM's hybrid weight lambda on the cross-entropy -log x0_hat(x0).</summary>
    public double HybridWeight { get; }
    /// <summary>
    /// The factor on the categorical nodes' loss (bound and cross-entropy) against the continuous entries' squared error.
    /// It only matters in a mixed model: with every node categorical it scales the whole loss, which gradient clipping
    /// and Adam undo.
    /// </summary>
    public double CategoricalWeight { get; }
    /// <summary>The number of diffusion steps T.</summary>
    public int Timesteps => Schedule.Timesteps;
    /// <summary>Whether the layout has continuous entries.</summary>
    public bool HasContinuous { get; }
    /// <summary>Number of categorical nodes per datum.</summary>
    public int CategoricalNodes { get; }
    internal IReadOnlyList<CategoricalGroup> Groups => _groups;

    /// <summary>The number of internal states of a node with <paramref name="classes"/> classes (K, or K + 1 with the mask).</summary>
    public int States(int classes) => Kind == DiffusionKind.Absorbing ? classes + 1 : classes;

    /// <summary>1 at continuous entries, 0 at categorical ones [1, D] in <paramref name="dtype"/>.</summary>
    internal Tensor ContinuousMask(DType dtype) =>
        Tensor.FromArray(_continuous.Select(c => c ? 1.0 : 0.0).ToArray(), [1, Layout.Dim]).To(dtype);

    /// <summary>
    /// One-hot slices [B, n, K] (all-zero: masked) as states [B, n, K'] (absorbing: the mask column 1 - sum appended).
    /// </summary>
    public Tensor ToStates(Tensor oneHot)
    {
        if (Kind != DiffusionKind.Absorbing) return oneHot;
        return Tensor.Concat([oneHot, 1.0 - oneHot.Sum(-1, keepDim: true)], -1);
    }

    /// <summary>x0 probabilities [B, n, K] over the real classes as states [B, n, K'] (absorbing: zero mask probability).</summary>
    public Tensor ProbabilitiesToStates(Tensor probabilities)
    {
        if (Kind != DiffusionKind.Absorbing) return probabilities;
        return Tensor.Concat([probabilities, probabilities.Narrow(-1, 0, 1).ZerosLike()], -1);
    }

    /// <summary>
    /// q(x_t | x0) = x0 Qbar_t for states <paramref name="x0"/> [B, n, K'] (one-hot or probabilities) and one-based
    /// per-item timesteps <paramref name="t"/>: multinomial alpha-bar_t x0 + (1 - alpha-bar_t) / K, absorbing
    /// alpha-bar_t x0 + (1 - alpha-bar_t) e_mask.
    /// </summary>
    public Tensor Marginal(Tensor x0, IReadOnlyList<int> t) => Propagate(x0, t.Select(Schedule.AlphaBar).ToArray());

    /// <summary>
    /// log q(x_s | x_t, x0) [B, n, K'] for states <paramref name="xt"/> (one-hot) and <paramref name="x0"/> (one-hot, or
    /// the network's probabilities for p(x_s | x_t)), per item 0 &lt;= s &lt; t &lt;= T. For one-hot x0 this is
    /// proportional to (x_t Q_{s->t}^T) * (x0 Qbar_s). For a probability vector it is the expectation form
    /// sum_c x0[c] q(x_s | x_t, x0 = c) over the classes c consistent with x_t (q(x_t | x0 = c) &gt; 0; renormalised), so
    /// that the exact x0 marginal p(x0 | x_t) gives the exact reverse marginal of each node. This equals the plug-in form
    /// with x0[c] reweighted by 1 / q(x_t | x0 = c) (Hoogeboom's eq. 14 plugs x0 in unweighted; for the absorbing process
    /// the two coincide). Normalised in log space.
    /// </summary>
    public Tensor LogPosterior(Tensor xt, Tensor x0, IReadOnlyList<int> s, IReadOnlyList<int> t)
    {
        ArgumentNullException.ThrowIfNull(xt);
        ArgumentNullException.ThrowIfNull(x0);
        if (s.Count != xt.Dim(0) || t.Count != xt.Dim(0))
            throw new TensorShapeException("categorical_posterior", $"{s.Count} and {t.Count} timesteps for a batch of {xt.Dim(0)}.");
        var likelihood = Likelihood(xt, Column(s.Select((si, i) => Schedule.AlphaBetween(si, t[i])), xt.DType));
        var evidence = Likelihood(xt, Column(t.Select(Schedule.AlphaBar), xt.DType));      // q(x_t | x0 = c) per c
        var consistent = evidence.Gt(0);
        var inverse = Tensor.Where(consistent, 1.0 / evidence.Clamp(LogFloor, double.MaxValue), evidence.ZerosLike());
        var weights = x0 * inverse;
        weights = weights / (weights.Sum(-1, keepDim: true) + LogFloor);
        var prior = Propagate(weights, s.Select(Schedule.AlphaBar).ToArray());
        return (SafeLog(likelihood) + SafeLog(prior)).LogSoftmax(-1);
    }

    /// <summary>x_t M^T per state for one-hot x_t, with M = keep I + (1 - keep) (uniform, or all to the mask).</summary>
    private Tensor Likelihood(Tensor xt, Tensor keep)
    {
        if (Kind == DiffusionKind.Absorbing)
        {
            var masked = xt.Narrow(-1, xt.Dim(-1) - 1, 1);
            return xt * keep + masked * (1.0 - keep);
        }
        return xt * keep + (1.0 - keep) / xt.Dim(-1);
    }

    /// <summary>
    /// KL(q(x_T | x0) || p(x_T)) per node [B, n] for states <paramref name="x0"/> (p(x_T): uniform for multinomial, the
    /// mask state for absorbing).
    /// </summary>
    public Tensor PriorKl(Tensor x0)
    {
        var q = Marginal(x0, Enumerable.Repeat(Timesteps, x0.Dim(0)).ToArray());
        var logQ = SafeLog(q);
        Tensor logP;
        if (Kind == DiffusionKind.Absorbing)
        {
            int k = x0.Dim(-1);
            var mask = Tensor.FromArray(Enumerable.Range(0, k).Select(i => i == k - 1 ? 1.0 : 0.0).ToArray()).To(x0.DType);
            logP = SafeLog(x0.ZerosLike() + mask);
        }
        else
        {
            logP = x0.ZerosLike() - Math.Log(x0.Dim(-1));
        }
        return (q * (logQ - logP)).Sum(-1);
    }

    /// <summary>KL(Cat(exp logQ) || Cat(exp logP)) over the last axis, for log-probabilities [..., K'].</summary>
    public static Tensor Kl(Tensor logQ, Tensor logP) => (logQ.Exp() * (logQ - logP)).Sum(-1);

    /// <summary>log(max(x, 1e-30)): a log that never reaches -inf.</summary>
    internal static Tensor SafeLog(Tensor x) => x.Clamp(LogFloor, double.MaxValue).Log();

    private Tensor Propagate(Tensor x0, double[] alphaBar)
    {
        if (alphaBar.Length != x0.Dim(0))
            throw new TensorShapeException("categorical_marginal", $"{alphaBar.Length} timesteps for a batch of {x0.Dim(0)}.");
        var keep = Column(alphaBar, x0.DType);
        if (Kind == DiffusionKind.Absorbing)
        {
            int k = x0.Dim(-1);
            var mask = Tensor.FromArray(Enumerable.Range(0, k).Select(i => i == k - 1 ? 1.0 : 0.0).ToArray()).To(x0.DType);
            return x0 * keep + (1.0 - keep) * mask;
        }
        return x0 * keep + (1.0 - keep) / x0.Dim(-1);
    }

    /// <summary>Per-item scalars as [B, 1, 1].</summary>
    private static Tensor Column(IEnumerable<double> values, DType dtype)
    {
        var v = values.ToArray();
        return GaussianDiffusion.Column(v, dtype).Reshape(v.Length, 1, 1);
    }
}
