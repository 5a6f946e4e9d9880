namespace GsdmCore.AutogradTests;

public class BackwardBehaviourTests
{
    private static Tensor Leaf(params double[] values) => Tensor.FromArray(values).RequireGrad();

    private static void Equal(double[] expected, Tensor? actual, double tolerance = 1e-12)
    {
        Assert.NotNull(actual);
        var values = actual!.ToArray<double>();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++)
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {values[i]}");
    }

    [Fact]
    public void A_tensor_used_twice_gets_the_sum_of_both_paths()
    {
        // y = x * x + exp(x): the product alone reaches x along two edges, dy/dx = 2x + e^x.
        var x = Leaf(0.5, -1.0, 2.0);
        (x * x + x.Exp()).Sum().Backward();
        Equal([1 + Math.Exp(0.5), -2 + Math.Exp(-1.0), 4 + Math.Exp(2.0)], x.Grad);
    }

    [Fact]
    public void A_shared_intermediate_is_differentiated_once_per_use()
    {
        // h = 3x is read by both branches: d/dx (h^2 + h) = (2h + 1) * 3.
        var x = Leaf(1.0, -2.0);
        var h = x * 3.0;
        (h.Square() + h).Sum().Backward();
        Equal([(2 * 3 + 1) * 3.0, (2 * -6 + 1) * 3.0], x.Grad);
        Assert.Null(h.Grad);
    }

    [Fact]
    public void Leaf_gradients_accumulate_across_backward_calls()
    {
        var x = Leaf(1.0, 2.0);
        (x * 2.0).Sum().Backward();
        Equal([2, 2], x.Grad);
        (x * x).Sum().Backward();
        Equal([2 + 2, 2 + 4], x.Grad);
        x.Grad = null;
        (x * 5.0).Sum().Backward();
        Equal([5, 5], x.Grad);
    }

    [Fact]
    public void Nothing_is_recorded_under_GradMode_Disable()
    {
        var x = Leaf(1.0, 2.0);
        Tensor y;
        using (GradMode.Disable())
        {
            Assert.False(GradMode.IsEnabled);
            y = (x * 3.0).Exp().Sum();
            using (GradMode.Enable()) Assert.NotNull((x * 1.0).Node);
            Assert.False(GradMode.IsEnabled);
        }
        Assert.True(GradMode.IsEnabled);
        Assert.Null(y.Node);
        Assert.False(y.RequiresGrad);
        Assert.True(y.IsLeaf);
        Assert.Throws<AutogradException>(() => y.Backward());
        Assert.Null(x.Grad);
        Assert.NotNull((x * 3.0).Node);
    }

    [Fact]
    public void Inputs_without_RequiresGrad_are_not_recorded_or_given_gradients()
    {
        var a = Tensor.FromArray([1.0, 2.0]);
        var b = Tensor.FromArray([3.0, 4.0]);
        var product = a * b;
        Assert.Null(product.Node);
        Assert.False(product.RequiresGrad);

        var tracked = b.RequireGrad();
        var loss = (a * tracked).Sum();
        Assert.NotNull(loss.Node);
        loss.Backward();
        Equal([1, 2], tracked.Grad);
        Assert.Null(a.Grad);
    }

    [Fact]
    public void Detach_cuts_the_graph()
    {
        // d/dx (stop(x) * x) = stop(x) = x, not the 2x of x * x.
        var x = Leaf(1.5, -0.5);
        var d = x.Detach();
        Assert.Same(x.Buffer, d.Buffer);
        Assert.False(d.RequiresGrad);
        Assert.True(d.IsLeaf);
        (d * x).Sum().Backward();
        Equal([1.5, -0.5], x.Grad);
        Assert.Null(d.Grad);

        var y = (x * 2.0).Detach();
        Assert.Throws<AutogradException>(() => y.Sum().Backward());
    }

    [Fact]
    public void Backward_of_a_non_scalar_needs_a_seed()
    {
        var x = Leaf(1.0, 2.0, 3.0);
        var y = x * x;
        var error = Assert.Throws<AutogradException>(() => y.Backward());
        Assert.Contains("[3]", error.Message);
        Assert.Equal("backward", error.Op);
        Assert.Throws<AutogradException>(() => y.Backward(Tensor.Ones([2], DType.F64)));
        y.Backward(Tensor.FromArray([1.0, 0.0, -1.0]));
        Equal([2, 0, -6], x.Grad);
    }

    [Fact]
    public void A_one_element_non_scalar_needs_no_seed()
    {
        var x = Leaf(2.0);
        (x * x).Reshape(1, 1).Backward();
        Equal([4], x.Grad);
    }

    [Fact]
    public void RequiresGrad_rules()
    {
        var x = Leaf(1.0);
        var y = x * 2.0;
        Assert.True(y.RequiresGrad);
        Assert.False(y.IsLeaf);
        Assert.Throws<AutogradException>(() => y.RequiresGrad = false);
        Assert.Throws<AutogradException>(() => Tensor.FromArray([1, 2]).RequiresGrad = true);
        var f32 = Tensor.Ones([2]).RequireGrad();
        (f32 * 3.0).Sum().Backward();
        Assert.Equal(DType.F32, f32.Grad!.DType);
        Assert.Equal([3f, 3f], f32.Grad.ToArray());
    }

    [Fact]
    public void Max_ties_share_the_gradient_equally()
    {
        var x = Leaf(1.0, 3.0, 3.0, 2.0);
        x.Max().Backward();
        Equal([0, 0.5, 0.5, 0], x.Grad);

        var y = Leaf(2.0, 1.0, 1.0, 1.0);
        y.Min().Backward();
        Equal([0, 1 / 3.0, 1 / 3.0, 1 / 3.0], y.Grad);
    }

    [Fact]
    public void Max_over_an_axis_splits_ties_per_row()
    {
        var x = Tensor.FromArray([5.0, 5.0, 1.0, 0.0, 2.0, 7.0], [2, 3]).RequireGrad();
        x.Max(1, keepDim: true).Sum().Backward();
        Equal([0.5, 0.5, 0, 0, 0, 1], x.Grad);
    }

    [Fact]
    public void Elementwise_maximum_and_minimum_split_ties_between_operands()
    {
        var a = Leaf(1.0, 2.0, 3.0);
        var b = Leaf(1.0, 5.0, 0.0);
        a.Maximum(b).Sum().Backward();
        Equal([0.5, 0, 1], a.Grad);
        Equal([0.5, 1, 0], b.Grad);

        a.Grad = b.Grad = null;
        a.Minimum(b).Sum().Backward();
        Equal([0.5, 1, 0], a.Grad);
        Equal([0.5, 0, 1], b.Grad);
    }

    [Fact]
    public void Relu_and_abs_at_zero_pass_no_gradient()
    {
        var x = Leaf(-1.0, 0.0, 2.0);
        x.Relu().Sum().Backward();
        Equal([0, 0, 1], x.Grad);
        x.Grad = null;
        x.Abs().Sum().Backward();
        Equal([-1, 0, 1], x.Grad);
    }

    [Fact]
    public void Gradients_flow_through_the_views_into_a_leaf_seen_by_several()
    {
        // Each element of x appears once in x and once in its transpose: d/dx sum(x * x^T) = 2 x^T.
        var x = Tensor.FromArray([1.0, 2.0, 3.0, 4.0], [2, 2]).RequireGrad();
        (x * x.MT).Sum().Backward();
        Equal([2, 6, 4, 8], x.Grad);
    }
}
