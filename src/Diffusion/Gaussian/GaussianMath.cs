namespace GsdmCore.Diffusion;

/// <summary>Closed-form Gaussian quantities (the reference's <c>gaussian_analytical_kl</c>, <c>gaussian_log_prob</c>), in float64.</summary>
public static class GaussianMath
{
    /// <summary>KL(N(mean1, var1) || N(mean2, var2)) of one dimension.</summary>
    public static double Kl(double mean1, double var1, double mean2, double var2)
    {
        double d = mean1 - mean2;
        return 0.5 * Math.Log(var2 / var1) + (var1 + d * d) / (2 * var2) - 0.5;
    }

    /// <summary>log N(x; mean, variance) of one dimension.</summary>
    public static double LogProb(double x, double mean, double variance)
    {
        double d = x - mean;
        return -0.5 * Math.Log(2 * Math.PI * variance) - d * d / (2 * variance);
    }
}
