namespace GsdmCore.Diffusion;

/// <summary>The shape of the noise schedule beta_1..beta_T (the reference's <c>get_beta_schedule</c>, plus cosine).</summary>
public enum BetaScheduleKind
{
    /// <summary>beta_t evenly spaced from beta_start to beta_end (the GSDM default: 1e-4 to 0.005).</summary>
    Linear,
    /// <summary>sqrt(beta_t) evenly spaced from sqrt(beta_start) to sqrt(beta_end).</summary>
    Quad,
    /// <summary>
    /// Nichol &amp; Dhariwal (2021): alpha-bar(s) = cos^2(((s/T) + 0.008) / 1.008 * pi/2),
    /// beta_i = min(1 - alpha-bar((i+1)/T) / alpha-bar(i/T), 0.999). Ignores beta_start and beta_end.
    /// </summary>
    Cosine,
    /// <summary>beta_t = sigmoid(x_t) (beta_end - beta_start) + beta_start with x evenly spaced on [-6, 6].</summary>
    Sigmoid,
    /// <summary>beta_t = beta_end for every t.</summary>
    Const,
    /// <summary>beta_t = 1 / (T - t + 1) for t = 1..T: 1/T, 1/(T-1), ..., 1. Ignores beta_start and beta_end.</summary>
    Jsd,
}
