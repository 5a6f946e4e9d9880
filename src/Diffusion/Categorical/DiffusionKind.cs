namespace GsdmCore.Diffusion;

/// <summary>
/// How the categorical nodes of a problem are diffused. Continuous nodes are always under Gaussian diffusion; the
/// three kinds differ only for categorical nodes.
/// </summary>
public enum DiffusionKind
{
    /// <summary>One-hot vectors ride along in the Gaussian diffusion (GSDM section 3.5, the reference).</summary>
    Gaussian,
    /// <summary>Multinomial (uniform) diffusion, Hoogeboom et al. 2021: resample uniformly with probability beta_t.</summary>
    Multinomial,
    /// <summary>Absorbing (mask) diffusion, D3PM: move to the mask state with probability beta_t.</summary>
    Absorbing,
}
