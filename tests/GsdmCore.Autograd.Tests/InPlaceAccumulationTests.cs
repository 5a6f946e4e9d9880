namespace GsdmCore.AutogradTests;

/// <summary>
/// Backward sums a tensor's gradients in place when it owns the memory of a term. These graphs are built so that a
/// wrong ownership decision would write into memory that another pending gradient, a leaf's gradient or a forward
/// value also views; each result is checked against the closed form.
/// </summary>
public class InPlaceAccumulationTests
{
    private static Tensor Leaf(params double[] values) => Tensor.FromArray(values).RequireGrad();

    private static void Equal(double[] expected, Tensor? actual)
    {
        Assert.NotNull(actual);
        var values = actual!.ToArray<double>();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++)
            Assert.True(Math.Abs(expected[i] - values[i]) <= 1e-12, $"element {i}: expected {expected[i]}, got {values[i]}");
    }

    [Fact]
    public void The_add_rule_passes_one_gradient_to_both_operands_and_neither_sum_writes_into_it()
    {
        // s = a + b hands the same upstream gradient to a and b. Both then receive a second term (a * 2, b * 3),
        // so both sums must be new memory: summing in place into the shared gradient would add a's term to b's.
        var a = Leaf(1.0, 2.0);
        var b = Leaf(-1.0, 0.5);
        var s = a + b;
        (s + a * 2.0 + b * 3.0).Sum().Backward();
        Equal([3, 3], a.Grad);
        Equal([4, 4], b.Grad);
    }

    [Fact]
    public void A_view_of_a_shared_gradient_is_not_summed_into()
    {
        // s = ra + rb hands one gradient G to both reshapes, which pass views of it on to x and y; x and y then get
        // second terms. G was allocated before the reshape rules ran, so neither view may be summed into.
        var x = Leaf(1.0, 2.0, 3.0, 4.0);
        var y = Leaf(5.0, 6.0, 7.0, 8.0);
        var w = Tensor.FromArray(new[] { 1.0, -1.0, 2.0, 0.5 }).Reshape(2, 2);
        var s = x.Reshape(2, 2) + y.Reshape(2, 2);
        ((s * w).Sum() + (x * 2.0).Sum() + (y * 3.0).Sum()).Backward();
        Equal([3, 1, 4, 2.5], x.Grad);
        Equal([4, 2, 5, 3.5], y.Grad);
    }

    /// <summary>y = a + b, whose rule returns one newly allocated gradient for both inputs.</summary>
    private sealed class SharedFreshGradient : ICustomGrad
    {
        public Tensor?[] Backward(GradNode node, Tensor gradOutput)
        {
            var shared = gradOutput * 1.0;
            return [shared, shared];
        }
    }

    [Fact]
    public void One_new_gradient_returned_for_two_inputs_is_summed_into_by_neither()
    {
        var a = Leaf(1.0, 2.0);
        var b = Leaf(3.0, 4.0);
        Tensor y;
        using (GradMode.Disable()) y = a + b;
        y = y.RecordCustom(new SharedFreshGradient(), a, b);
        var w = Tensor.FromArray(new[] { 2.0, -1.0 });
        ((y * w).Sum() + (a * 5.0).Sum() + (b * 7.0).Sum()).Backward();
        Equal([7, 4], a.Grad);
        Equal([9, 6], b.Grad);
    }

    [Fact]
    public void A_weight_read_through_two_transposes_sums_its_gradients_in_place_correctly()
    {
        // y = x W^T twice: each product's rule makes the weight gradient as a transposed view of new memory, and each
        // transpose's rule turns it back into the weight's layout. The first becomes the weight's pending gradient
        // (owned: no other tensor views that memory), the second is summed into it, then a third term from W * 3.
        var w = Tensor.FromArray(new[] { 1.0, 2.0, -1.0, 0.5, 3.0, -2.0 }).Reshape(3, 2).RequireGrad();
        var x1 = Tensor.FromArray(new[] { 1.0, -1.0, 2.0, 0.5 }).Reshape(2, 2);
        var x2 = Tensor.FromArray(new[] { 0.25, 4.0, -3.0, 1.0 }).Reshape(2, 2);
        (x1.Matmul(w.MT).Sum() + x2.Matmul(w.MT).Sum() + (w * 3.0).Sum()).Backward();
        // d/dW of sum(x W^T) is the column sums of x for every row of W.
        double c0 = 1 + 2 + 0.25 - 3, c1 = -1 + 0.5 + 4 + 1;
        Equal([c0 + 3, c1 + 3, c0 + 3, c1 + 3, c0 + 3, c1 + 3], w.Grad!.Reshape(6));
    }

    /// <summary>y = a^T + b^T for square a and b, whose rule returns two transposed views of one upstream gradient.</summary>
    private sealed class TwoViewsOfUpstream : ICustomGrad
    {
        public Tensor?[] Backward(GradNode node, Tensor gradOutput) => [gradOutput.MT, gradOutput.MT];
    }

    [Fact]
    public void Two_views_of_an_owned_upstream_gradient_are_summed_into_by_neither()
    {
        // The upstream gradient is new memory that only the walk sees, but the rule passes it to both inputs: a second
        // term for a, summed into its view in place, would also land in b's.
        var a = Tensor.FromArray(new[] { 1.0, 2.0, 3.0, 4.0 }).Reshape(2, 2).RequireGrad();
        var b = Tensor.FromArray(new[] { 5.0, 6.0, 7.0, 8.0 }).Reshape(2, 2).RequireGrad();
        Tensor y;
        using (GradMode.Disable()) y = a.MT + b.MT;
        y = y.RecordCustom(new TwoViewsOfUpstream(), a, b);
        var w = Tensor.FromArray(new[] { 1.0, -1.0, 2.0, 0.5 }).Reshape(2, 2);
        ((y * w).Sum() + (a * 2.0).Sum() + (b * 3.0).Sum()).Backward();
        Equal([3, 4, 1, 2.5], a.Grad!.Reshape(4));
        Equal([4, 5, 2, 3.5], b.Grad!.Reshape(4));
    }

    [Fact]
    public void A_seed_passed_on_through_a_transpose_is_not_adopted_by_the_leaf()
    {
        // The caller's seed is not the walk's memory: the transpose's view of it must be copied into x.Grad, and a
        // second term for x summed into new memory, or the seed would change under the caller.
        var x = Tensor.FromArray(new[] { 1.0, 2.0, 3.0, 4.0 }).Reshape(2, 2).RequireGrad();
        var seed = Tensor.FromArray(new[] { 1.0, 2.0, 3.0, 4.0 }).Reshape(2, 2);
        var y = x.MT;
        y.Backward(seed);
        Assert.False(ReferenceEquals(x.Grad!.Buffer, seed.Buffer));
        x.Grad!.CopyFrom(Tensor.Zeros([2, 2], DType.F64));
        Equal([1, 2, 3, 4], seed.Reshape(4));
    }

    [Fact]
    public void A_leaf_gradient_that_arrives_as_a_transposed_view_is_stored_contiguous()
    {
        // d/dx of sum(x^T * w) is w^T: the transpose's rule passes on a transposed view of new memory. The walk may
        // not adopt it as it is: a leaf's gradient is a contiguous tensor, as the optimisers read it.
        var x = Tensor.FromArray(new[] { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0 }).Reshape(2, 3).RequireGrad();
        var w = Tensor.FromArray(new[] { 1.0, -1.0, 2.0, 0.5, 3.0, -2.0 }).Reshape(3, 2);
        (x.MT * w).Sum().Backward();
        Assert.True(x.Grad!.IsContiguous);
        Equal([1, 2, 3, -1, 0.5, -2], x.Grad.Reshape(6));
    }

    [Fact]
    public void Leaves_fed_one_shared_gradient_get_gradients_of_their_own()
    {
        var a = Leaf(1.0, 2.0, 3.0);
        var b = Leaf(4.0, 5.0, 6.0);
        (a + b).Sum().Backward();
        Assert.False(ReferenceEquals(a.Grad!.Buffer, b.Grad!.Buffer));
        a.Grad!.CopyFrom(Tensor.FromArray(new[] { 7.0, 7.0, 7.0 }));
        Equal([1, 1, 1], b.Grad);
    }

    [Fact]
    public void A_tensor_read_three_times_sums_into_its_first_fresh_gradient()
    {
        // h feeds three products: the first two gradients are fresh, the third is summed into their owned sum.
        var x = Leaf(0.5, -2.0);
        var h = x * 1.0;
        (h * 2.0 + h * 3.0 + h.Square()).Sum().Backward();
        Equal([5 + 2 * 0.5, 5 + 2 * -2.0], x.Grad);
    }

    [Fact]
    public void The_same_tensor_as_both_operands_of_one_op()
    {
        // x * x returns two fresh gradients for the same input; x + x returns the upstream gradient twice.
        var x = Leaf(1.5, -3.0);
        (x * x + (x + x)).Sum().Backward();
        Equal([2 * 1.5 + 2, 2 * -3.0 + 2], x.Grad);
    }

    [Fact]
    public void Forward_values_are_never_written_by_backward()
    {
        // The gradient of a + c with respect to a view of y would alias y if a rule passed it on: y must stay as computed.
        var x = Leaf(1.0, 2.0, 3.0, 4.0);
        var y = x * 2.0;
        var before = y.ToArray<double>();
        var z = y.Reshape(2, 2);
        (z.Sum() + z.Sum() + y.Sum()).Backward();
        Assert.Equal(before, y.ToArray<double>());
        Equal([6, 6, 6, 6], x.Grad);
    }

    [Fact]
    public void A_leaf_that_already_has_a_gradient_keeps_it_and_gets_a_new_sum()
    {
        var x = Leaf(1.0, 2.0);
        (x * 2.0).Sum().Backward();
        var first = x.Grad!;
        (x * 3.0).Sum().Backward();
        Equal([2, 2], first);
        Equal([5, 5], x.Grad);
    }

    [Fact]
    public void A_linear_weight_gradient_comes_out_contiguous_and_right()
    {
        // y = x @ W^T with W [2, 3] read through its transposed view, as a linear layer does.
        var w = Tensor.FromArray(new[] { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0 }).Reshape(2, 3).Detach().RequireGrad();
        var x = Tensor.FromArray(new[] { 1.0, -1.0, 2.0, 0.5, 0.0, 1.0 }).Reshape(2, 3);
        var g = Tensor.FromArray(new[] { 1.0, 2.0, -1.0, 3.0 }).Reshape(2, 2);
        (x.Matmul(w.MT) * g).Sum().Backward();
        Assert.True(w.Grad!.IsContiguous);
        // dW[o, i] = sum_r g[r, o] x[r, i].
        Equal([1 * 1 + -1 * 0.5, 1 * -1 + -1 * 0, 1 * 2 + -1 * 1, 2 * 1 + 3 * 0.5, 2 * -1 + 3 * 0, 2 * 2 + 3 * 1], w.Grad);
    }
}
