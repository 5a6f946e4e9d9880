namespace GsdmCore.Diffusion;

/// <summary>The variance of the reverse step p(x_{t-1} | x_t) (the reference's <c>model.var_type</c>).</summary>
public enum VarianceKind
{
    /// <summary>sigma^2 = beta_t (the reference default, used by its sampler and its ELBO).</summary>
    FixedLarge,
    /// <summary>sigma^2 = the posterior variance beta_t (1 - alpha-bar_{t-1}) / (1 - alpha-bar_t).</summary>
    FixedSmall,
}
