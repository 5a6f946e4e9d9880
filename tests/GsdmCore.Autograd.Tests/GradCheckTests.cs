namespace GsdmCore.AutogradTests;

/// <summary>The gradient checker itself must catch a wrong gradient and say where.</summary>
public class GradCheckTests
{
    /// <summary>Square with a pluggable backward: <c>Factor</c> 2 is right, anything else is wrong.</summary>
    private sealed class SquareRule(double factor) : ICustomGrad
    {
        public Tensor?[] Backward(GradNode node, Tensor g) => [g * node.Inputs[0] * factor];
    }

    private static Tensor CustomSquare(Tensor x, double factor)
    {
        Tensor y;
        using (GradMode.Disable()) y = x * x;
        return y.RecordCustom(new SquareRule(factor), x);
    }

    [Fact]
    public void A_correct_custom_gradient_passes()
    {
        var x = Tensor.Randn([3, 2], new Generator(1), DType.F64);
        var result = GradCheck.Run(t => CustomSquare(t[0], 2.0), [x]);
        Assert.True(result.Passed, result.ToString());
        Assert.Contains("passed", result.ToString());
    }

    [Fact]
    public void A_wrong_custom_gradient_fails_with_a_readable_report()
    {
        var x = Tensor.FromArray([1.0, -2.0, 3.0]);
        var result = GradCheck.Run(t => CustomSquare(t[0], 1.0), [x]);
        Assert.False(result.Passed);
        Assert.Equal(0, result.Input);
        Assert.InRange(result.Element, 0, 2);
        var text = result.ToString();
        Assert.Contains("failed", text);
        Assert.Contains("analytic", text);
        Assert.Contains("numeric", text);
    }

    [Fact]
    public void Inputs_must_be_float64()
    {
        Assert.Throws<AutogradException>(() => GradCheck.Run(t => t[0] * 2.0, [Tensor.Ones([2])]));
    }
}
