namespace GsdmCore.AutogradTests;

public class ViewGradTests
{
    /// <summary>
    /// View ops applied on top of each input view kind to a [2, 3, 2] tensor (for squeeze and expand: one with
    /// a unit middle axis). Each result is multiplied by itself so the gradient depends on the values read.
    /// </summary>
    private static readonly Dictionary<string, (Func<Tensor, Tensor> Run, bool UnitMiddle)> Ops = new()
    {
        ["reshape"] = (x => x.Reshape(3, 4), false),
        ["reshape_infer"] = (x => x.Reshape(-1, 2), false),
        ["flatten"] = (x => x.Flatten(), false),
        ["permute"] = (x => x.Permute(1, 2, 0), false),
        ["transpose"] = (x => x.Transpose(0, -1), false),
        ["mT"] = (x => x.MT, false),
        ["narrow"] = (x => x.Narrow(1, 1, 2), false),
        ["select"] = (x => x.Select(1, -1), false),
        ["unsqueeze"] = (x => x.Unsqueeze(1), false),
        ["squeeze_axis"] = (x => x.Squeeze(1), true),
        ["squeeze_all"] = (x => x.Squeeze(), true),
        ["expand"] = (x => x.Expand(2, 4, 2), true),
        ["expand_new_axes"] = (x => x.Expand(3, 2, 3, 2), false),
        ["contiguous_of_transpose"] = (x => x.MT.Contiguous(), false),
        ["split_pieces"] = (x => x.Split([1, 2], 1)[1] * 2.0 + x.Split(1, 1)[0].Sum(1, keepDim: true), false),
    };

    public static TheoryData<string, ViewKind> Cases => GradAssert.Matrix(Ops.Keys);

    [Theory, MemberData(nameof(Cases))]
    public void View_gradients_route_to_the_viewed_elements(string op, ViewKind view)
    {
        var (run, unitMiddle) = Ops[op];
        int[] shape = unitMiddle ? [2, 1, 2] : [2, 3, 2];
        var input = new GradInput(shape, view, Domain.Any, 100 + (int)view);
        GradAssert.Passes(op, t =>
        {
            var y = run(t[0]);
            return y * y;
        }, input);
    }
}
