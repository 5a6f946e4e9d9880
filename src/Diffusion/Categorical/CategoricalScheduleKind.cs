namespace GsdmCore.Diffusion;

/// <summary>The alpha-bar schedules of <see cref="CategoricalSchedule"/>.</summary>
public enum CategoricalScheduleKind
{
    /// <summary>Hoogeboom's cosine schedule (s = 0.008): the multinomial default.</summary>
    Cosine,
    /// <summary>Linear betas from a start to an end value.</summary>
    Linear,
    /// <summary>D3PM's absorbing schedule beta_t = 1 / (T - t + 1), so that 1 - alpha-bar_t = t / T: the absorbing default.</summary>
    MutualInformation,
}
