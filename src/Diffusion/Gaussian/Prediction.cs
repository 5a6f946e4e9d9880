namespace GsdmCore.Diffusion;

/// <summary>What the denoiser predicts from x_t (the reference's <c>model.predict</c>).</summary>
public enum Prediction
{
    /// <summary>The clean data x0 (the GSDM default).</summary>
    X0,
    /// <summary>The noise eps with x_t = sqrt(alpha-bar) x0 + sqrt(1 - alpha-bar) eps.</summary>
    Eps,
}
