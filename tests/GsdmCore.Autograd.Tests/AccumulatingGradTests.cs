namespace GsdmCore.AutogradTests;

/// <summary>
/// A rule that implements <see cref="IAccumulatingGrad"/> is handed the gradient already waiting for its input and
/// returns its own gradient plus that one; the walk then stores the sum instead of adding the two itself. The
/// gradients must be what the walk's own addition gives, whichever path ran.
/// </summary>
public class AccumulatingGradTests
{
    /// <summary>y = 2 x, whose backward can fold in a pending gradient of x (and records whether it did).</summary>
    private sealed class Doubling(bool accepts) : IAccumulatingGrad
    {
        public int Folds { get; private set; }
        public int Plain { get; private set; }
        public int AccumulatingInput => 0;

        public bool CanAccumulate(GradNode node, Tensor pending) => accepts;

        public Tensor?[] Backward(GradNode node, Tensor gradOutput)
        {
            Plain++;
            return [gradOutput * 2.0];
        }

        public Tensor?[] Backward(GradNode node, Tensor gradOutput, Tensor pending)
        {
            Folds++;
            return [gradOutput * 2.0 + pending];
        }

        public static Tensor Apply(Tensor x, Doubling rule)
        {
            Tensor y;
            using (GradMode.Disable()) y = x * 2.0;
            return y.RecordCustom(rule, x);
        }
    }

    private static Tensor Leaf(params double[] values) => Tensor.FromArray(values).RequireGrad();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_residual_passed_as_a_later_argument_reaches_the_input_first_and_is_folded_in(bool accepts)
    {
        // out = sum(w * (double(x) + reshape(x))): the sum's later argument, a view of x, is passed down before the
        // doubling's branch, so its gradient w waits for x when the doubling's rule runs.
        var x = Leaf(1, 2, 3, 4);
        var w = Tensor.FromArray(new double[] { 0.5, -1, 2, 3 });
        var rule = new Doubling(accepts);
        var residual = x.Reshape(2, 2).Reshape(4);
        (w * (Doubling.Apply(x, rule) + residual)).Sum().Backward();
        Assert.Equal(new[] { 1.5, -3, 6, 9 }, x.Grad!.ToArray<double>());
        Assert.Equal(accepts ? 1 : 0, rule.Folds);
        Assert.Equal(accepts ? 0 : 1, rule.Plain);
    }

    [Fact]
    public void Without_a_pending_gradient_the_plain_rule_runs()
    {
        var x = Leaf(1, 2);
        var rule = new Doubling(accepts: true);
        Doubling.Apply(x, rule).Sum().Backward();
        Assert.Equal(new[] { 2.0, 2.0 }, x.Grad!.ToArray<double>());
        Assert.Equal((0, 1), (rule.Folds, rule.Plain));
    }

    [Fact]
    public void Gradients_arriving_after_the_fold_are_still_added()
    {
        // x feeds the residual view (before the doubling), the doubling (folds the view's gradient) and a product that is
        // passed down last of the three: its gradient must be added to the folded sum.
        var x = Leaf(1, 2);
        var rule = new Doubling(accepts: true);
        var v = Tensor.FromArray(new double[] { 3, 5 });
        var first = x * v;
        (first + (Doubling.Apply(x, rule) + x.Reshape(1, 2).Reshape(2))).Sum().Backward();
        Assert.Equal(new[] { 6.0, 8.0 }, x.Grad!.ToArray<double>());
        Assert.Equal(1, rule.Folds);
    }
}
