namespace GsdmCore.Compare;

/// <summary>The optimisation settings both engines use (papers.md 1.5: Adam, grad clip 1, eps 1e-8; EMA 0.999).</summary>
internal static class Hyper
{
    public const double LearningRate = 2e-5;
    public const double Beta1 = 0.9;
    public const double Beta2 = 0.999;
    public const double Eps = 1e-8;
    public const double Clip = 1.0;
    public const double EmaDecay = 0.999;
}
