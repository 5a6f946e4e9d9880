using GsdmCore.Backends;

namespace GsdmCore.Autograd;

/// <summary>Outcome of a gradient check: the worst disagreement and where it was.</summary>
public sealed record GradCheckResult(bool Passed, double MaxError, int Input, int Element, double Analytic, double Numeric)
{
    /// <inheritdoc />
    public override string ToString() => Passed
        ? $"gradcheck passed (max error {MaxError:G3})"
        : $"gradcheck failed: input {Input}, element {Element}: analytic {Analytic:G6} vs numeric {Numeric:G6} (error {MaxError:G3})";
}

/// <summary>
/// Compares the gradients of <c>Backward()</c> with central finite differences in float64. The function's
/// output is contracted with fixed random weights, so every output element's gradient is exercised.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Checks <paramref name="f"/> at <paramref name="inputs"/> (F64 leaves; a copy of each is used).
    /// Passes when |analytic - numeric| &lt;= atol + rtol * |numeric| for every element.
    /// </summary>
    public static GradCheckResult Run(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-4, ulong seed = 7)
    {
        foreach (var input in inputs)
            if (input.DType != DType.F64)
                throw new AutogradException("gradcheck", $"inputs must be F64 for accurate differences, got {input.DType}; convert with .To(DType.F64).");

        var values = inputs.Select(t => t.ToArray<double>()).ToArray();
        var shapes = inputs.Select(t => t.Shape).ToArray();
        Tensor? weights = null;

        double Objective(double[][] point, bool withGrad, out Tensor[] leaves)
        {
            leaves = point.Select((v, i) => Tensor.FromArray((double[])v.Clone(), shapes[i])).ToArray();
            if (withGrad) foreach (var leaf in leaves) leaf.RequiresGrad = true;
            var output = f(leaves);
            weights ??= Tensor.Rand(output.Shape, new Generator(seed), DType.F64) + 0.5;
            var scalar = (output * weights).Sum();
            if (withGrad) scalar.Backward();
            return scalar.Item();
        }

        Objective(values, withGrad: true, out var tracked);
        var analytic = tracked.Select(t => t.Grad?.ToArray<double>() ?? new double[t.Count]).ToArray();

        var worst = new GradCheckResult(true, 0, -1, -1, 0, 0);
        using (GradMode.Disable())
        {
            for (int i = 0; i < values.Length; i++)
            {
                for (int j = 0; j < values[i].Length; j++)
                {
                    double original = values[i][j];
                    values[i][j] = original + eps;
                    double plus = Objective(values, false, out _);
                    values[i][j] = original - eps;
                    double minus = Objective(values, false, out _);
                    values[i][j] = original;
                    double numeric = (plus - minus) / (2 * eps);
                    double error = Math.Abs(analytic[i][j] - numeric);
                    bool ok = error <= atol + rtol * Math.Abs(numeric);
                    if (!ok && worst.Passed || (ok == worst.Passed && error > worst.MaxError))
                        worst = new GradCheckResult(ok && worst.Passed, error, i, j, analytic[i][j], numeric);
                }
            }
        }
        return worst;
    }
}
