using GsdmCore.Backends;
using GsdmCore.Nn;
using Xunit;

namespace GsdmCore.Nn.Tests;

/// <summary>
/// The residual pattern of the denoiser's blocks, <c>x + linear(norm(x))</c>: the residual's gradient reaches x before
/// the branch does, and the group norm's backward adds it into dx in its own pass
/// (<see cref="IAccumulatingGrad"/>, <see cref="Backend.GroupNormBackwardAdd"/>). The gradients must be the same bits as
/// when the walk adds the two gradients itself.
/// </summary>
public class ResidualFoldTests
{
    [Theory]
    [InlineData(DType.F32, false)]
    [InlineData(DType.F32, true)]
    [InlineData(DType.F64, false)]
    [InlineData(DType.F64, true)]
    public void The_folded_residual_gradient_is_the_walks_sum_bit_for_bit(DType dtype, bool silu)
    {
        // The denoiser's width (whole register blocks of channels) and an odd one (the kernels' scalar tails).
        foreach (var (channels, groups) in new[] { (128, 32), (40, 5) })
        {
            var gn = new GroupNorm(groups, channels, dtype: dtype);
            var linear = new Linear(channels, channels, new Generator(7), dtype: dtype);
            using (GradMode.Disable())
            {
                gn.Weight!.CopyFrom(TestGraphs.Randn([channels], 1).To(dtype));
                gn.Bias!.CopyFrom(TestGraphs.Randn([channels], 2).To(dtype));
            }
            var x0 = TestGraphs.Randn([3, 7, channels], 3).To(dtype);
            var w = TestGraphs.Randn([3, 7, channels], 4).To(dtype);
            Tensor Branch(Tensor x) => silu ? gn.ForwardSilu(x) : gn.Forward(x);

            // One leaf: the residual's gradient is pending for x when the group norm's rule runs, and is folded in.
            var x = x0.Detach().Clone().RequireGrad();
            (linear.Forward(Branch(x), residual: x) * w).Sum().Backward();
            var folded = x.Grad!.ToArray<double>();
            var foldedWeight = gn.Weight!.Grad!.ToArray<double>();
            gn.ZeroGrad();
            linear.ZeroGrad();

            // Two leaves of the same values: each gets one gradient, added afterwards as the walk would add them.
            var (xr, xb) = (x0.Detach().Clone().RequireGrad(), x0.Detach().Clone().RequireGrad());
            (linear.Forward(Branch(xb), residual: xr) * w).Sum().Backward();
            var summed = (xb.Grad! + xr.Grad!).ToArray<double>();
            Assert.Equal(summed, folded);
            Assert.Equal(gn.Weight!.Grad!.ToArray<double>(), foldedWeight);
            gn.ZeroGrad();
            linear.ZeroGrad();
        }
    }

    [Fact]
    public void The_fold_saves_the_walks_addition()
    {
        // Captured, the one-leaf step makes as many backend calls as the two-leaf step, which has no addition to make:
        // the residual's gradient went into the group norm's pass. Without the fold it would make one call more.
        var gn = new GroupNorm(32, 128);
        var linear = new Linear(128, 128, new Generator(8));
        var x0 = TestGraphs.Randn([2, 5, 128], 5).To(DType.F32);
        int Calls(bool oneLeaf)
        {
            var xb = x0.Detach().Clone().RequireGrad();
            var xr = oneLeaf ? xb : x0.Detach().Clone().RequireGrad();
            using var step = CapturedStep.Capture(() =>
            {
                linear.Forward(gn.ForwardSilu(xb), residual: xr).Sum().Backward();
                return null;
            });
            gn.ZeroGrad();
            linear.ZeroGrad();
            return step.CommandCount;
        }
        Assert.Equal(Calls(oneLeaf: false), Calls(oneLeaf: true));
    }
}
