namespace GsdmCore.Diffusion;

/// <summary>
/// The scalars of one reverse step t -> tPrev: the Gaussian q(x_tPrev | x_t, x0) has mean
/// MeanCoefX0 x0 + MeanCoefXt x_t and variance PosteriorVariance, where Beta = 1 - AlphaBar / AlphaBarPrev
/// is the effective beta of the (possibly strided) step.
/// </summary>
/// <param name="AlphaBar">alpha-bar at t.</param>
/// <param name="AlphaBarPrev">alpha-bar at tPrev (1 for the data).</param>
/// <param name="Beta">1 - AlphaBar / AlphaBarPrev: the "fixedlarge" reverse variance.</param>
/// <param name="MeanCoefX0">sqrt(AlphaBarPrev) Beta / (1 - AlphaBar).</param>
/// <param name="MeanCoefXt">sqrt(1 - Beta) (1 - AlphaBarPrev) / (1 - AlphaBar).</param>
/// <param name="PosteriorVariance">Beta (1 - AlphaBarPrev) / (1 - AlphaBar): the "fixedsmall" reverse variance.</param>
public readonly record struct StepCoefficients(
    double AlphaBar, double AlphaBarPrev, double Beta, double MeanCoefX0, double MeanCoefXt, double PosteriorVariance)
{
    /// <summary>The reverse variance of <paramref name="kind"/>.</summary>
    public double Variance(VarianceKind kind) => kind switch
    {
        VarianceKind.FixedLarge => Beta,
        VarianceKind.FixedSmall => PosteriorVariance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown variance kind."),
    };
}
