namespace GsdmCore.TensorTests;

public class FormatTests
{
    [Fact]
    public void Text_names_shape_and_dtype_and_shows_the_values()
    {
        var text = Tensor.FromArray([1.5f, -2f, 3f, 4f, 5f, 6.25f], [2, 3]).ToString();
        Assert.Contains("[2, 3]", text);
        Assert.Contains("F32", text);
        Assert.Contains("1.5", text);
        Assert.Contains("6.25", text);
        Assert.DoesNotContain("...", text);
    }

    [Fact]
    public void Integer_tensors_print_integers()
    {
        var text = Tensor.FromArray([3, -1, 12]).ToString();
        Assert.Contains("I32", text);
        Assert.Contains("[3, -1, 12]", text);
    }

    [Fact]
    public void Views_print_their_logical_values()
    {
        var text = Tensor.FromArray([1.0, 2, 3, 4], [2, 2]).MT.ToString();
        Assert.Contains("F64", text);
        Assert.Matches(@"\[\[1, 3\],\s*\[2, 4\]\]", text);
    }

    [Fact]
    public void Scalars_print()
    {
        var text = Tensor.Scalar(0.25).ToString();
        Assert.Contains("[]", text);
        Assert.Contains("0.25", text);
    }

    [Fact]
    public void Tensors_over_1000_elements_are_abbreviated()
    {
        var small = Tensor.Arange(1000).ToString();
        var large = Tensor.Arange(1001).ToString();
        var matrix = Tensor.Zeros([40, 40]).ToString();
        Assert.DoesNotContain("...", small);
        Assert.Contains("999", small);
        Assert.Contains("...", large);
        Assert.Contains("1000", large);
        Assert.DoesNotContain("500", large);
        Assert.Contains("...", matrix);
        Assert.Contains("[40, 40]", matrix);
        Assert.True(matrix.Length < 1000, $"abbreviated text is {matrix.Length} characters");
    }

    [Fact]
    public void Gradient_state_is_shown()
    {
        var leaf = Tensor.Ones([2]).RequireGrad();
        Assert.Contains("requires_grad", leaf.ToString());
        Assert.Contains("grad_fn", (leaf * 2.0).ToString());
    }
}
