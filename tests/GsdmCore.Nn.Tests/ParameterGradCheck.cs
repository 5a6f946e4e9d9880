using GsdmCore.Autograd;
using GsdmCore.Backends.Cpu;
using GsdmCore.Nn;
using Xunit;

namespace GsdmCore.Nn.Tests;

/// <summary>Central finite differences over every parameter of an F64 module, against the gradients of Backward().</summary>
internal static class ParameterGradCheck
{
    public static void Assert(Module module, Func<Tensor> objective, double eps = 1e-6, double atol = 1e-6, double rtol = 1e-5)
    {
        module.ZeroGrad();
        objective().Backward();
        using var _ = GradMode.Disable();
        foreach (var (name, p) in module.NamedParameters())
        {
            var analytic = p.Grad?.ToArray<double>() ?? new double[p.Count];
            var data = ((CpuBuffer)p.Buffer).As<double>();
            for (int j = 0; j < p.Count; j++)
            {
                int at = p.Layout.Offset + j;
                double original = data[at];
                data[at] = original + eps;
                double plus = objective().Item();
                data[at] = original - eps;
                double minus = objective().Item();
                data[at] = original;
                double numeric = (plus - minus) / (2 * eps);
                Xunit.Assert.True(Math.Abs(analytic[j] - numeric) <= atol + rtol * Math.Abs(numeric),
                    $"{name}[{j}]: analytic {analytic[j]} vs numeric {numeric}");
            }
        }
    }

    /// <summary>(f(inputs) * w).Sum() with fixed random w, as a scalar objective.</summary>
    public static Tensor Weighted(Tensor output, ulong seed = 99) =>
        (output * (Tensor.Rand(output.Shape, new Generator(seed), output.DType) + 0.5)).Sum();

    public static void AssertInputs(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var result = GradCheck.Run(f, inputs);
        Xunit.Assert.True(result.Passed, result.ToString());
    }
}
