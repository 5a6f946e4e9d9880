using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// Group normalisation for channels-last activations x [B, ..., C]: the C channels are split into
/// <see cref="Groups"/> consecutive groups and each (sample, group) is normalised by the mean and population
/// variance over its channels and every node, as the reference's GroupNorm over [B, C, N] does; then the
/// optional per-channel affine map (weight 1, bias 0 at start).
/// </summary>
public sealed class GroupNorm : Module
{
    /// <summary>Number of channel groups.</summary>
    public int Groups { get; }
    /// <summary>Channels.</summary>
    public int Channels { get; }
    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }
    /// <summary>Per-channel scale [C], null when not affine.</summary>
    public Tensor? Weight { get; }
    /// <summary>Per-channel shift [C], null when not affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>Creates the layer; <paramref name="channels"/> must be divisible by <paramref name="groups"/>.</summary>
    public GroupNorm(int groups, int channels, double eps = 1e-5, bool affine = true, DType dtype = DType.F32)
    {
        if (groups <= 0 || channels <= 0 || channels % groups != 0)
            throw new ArgumentException($"GroupNorm: {channels} channels cannot be split into {groups} equal groups.");
        Groups = groups;
        Channels = channels;
        Eps = eps;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([channels], dtype));
            Bias = RegisterParameter("bias", Tensor.Zeros([channels], dtype));
        }
    }

    /// <summary>
    /// The number of groups to use for <paramref name="channels"/>: <paramref name="preferred"/> (32 in the
    /// reference) when it divides the channels, otherwise the largest divisor of the channels below it.
    /// </summary>
    public static int GroupsFor(int channels, int preferred = 32)
    {
        for (int g = Math.Min(preferred, channels); g > 1; g--)
            if (channels % g == 0) return g;
        return 1;
    }

    /// <summary>
    /// Normalises x [B, ..., C] (at least rank 2) with the backend's fused kernel (on x's device), which records its
    /// own backward.
    /// </summary>
    public Tensor Forward(Tensor x) => Normalise(x, silu: false);

    /// <summary>
    /// SiLU(Forward(x)) in one fused kernel: the normalised activations are never stored (the backward recomputes
    /// them from x), which saves a pass over the activations each way and the SiLU input's memory.
    /// </summary>
    public Tensor ForwardSilu(Tensor x) => Normalise(x, silu: true);

    private Tensor Normalise(Tensor x, bool silu)
    {
        if (x.Rank < 2 || x.Dim(-1) != Channels)
            throw new TensorShapeException("group_norm", $"input {Layout.Format(x.Shape)} must be [batch, ..., {Channels}].");
        if (!x.DType.IsFloat() || (Weight != null && Weight.DType != x.DType))
            throw new TensorDTypeException("group_norm", $"input {x.DType} must be float and match the parameters' dtype.");
        if (Weight != null && (Weight.Device != x.Device || Bias!.Device != x.Device))
            throw new TensorDeviceException("group_norm", $"the input is on {x.Device} but the parameters are on {Weight.Device}; move the module with .To(device).");
        x = x.IsContiguous ? x : x.Contiguous();
        int b = x.Dim(0), m = x.Count / Math.Max(1, b * Channels);
        var dims = new GroupNormDims(b, m, Channels, Groups, Eps, silu);
        var y = Tensor.Empty(x.Layout.Shape, x.DType, x.Device);
        // Pooled like every tensor (released with the step's TensorScope) and held by the rule as tensors, so a
        // backward after the scope ended fails loudly instead of reading reused memory.
        var mean = Tensor.Empty([b * Groups], x.DType, x.Device);
        var rstd = Tensor.Empty([b * Groups], x.DType, x.Device);
        x.Buffer.Backend.GroupNormForward(dims, x.Buffer, x.Layout.Offset, Weight?.Buffer, Bias?.Buffer, y.Buffer, mean.Buffer, rstd.Buffer);
        var rule = new Rule(dims, mean, rstd);
        return Weight == null ? y.RecordCustom(rule, x) : y.RecordCustom(rule, x, Weight, Bias!);
    }

    /// <summary>
    /// The same normalisation composed from tensor ops (mean, variance, rsqrt): slower and allocation-heavy, kept
    /// as the reference the fused kernel is tested against.
    /// </summary>
    public Tensor ForwardComposed(Tensor x)
    {
        var shape = x.Shape;
        var grouped = x.Reshape(shape[0], -1, Groups, Channels / Groups);
        var mean = grouped.Mean([1, 3], keepDim: true);
        var centred = grouped - mean;
        var variance = centred.Square().Mean([1, 3], keepDim: true);
        var y = (centred * (variance + Eps).Rsqrt()).Reshape(shape);
        if (Weight != null) y = y * Weight + Bias!;
        return y;
    }

    /// <summary>
    /// The backward: dx, dw, db in one kernel. When a gradient is already waiting for x (a residual block's, which
    /// arrives first from the block's sum), it is added into dx in the same pass (<see cref="IAccumulatingGrad"/>).
    /// </summary>
    private sealed class Rule(GroupNormDims dims, Tensor mean, Tensor rstd) : IAccumulatingGrad
    {
        public int AccumulatingInput => 0;

        public bool CanAccumulate(GradNode node, Tensor pending)
        {
            var x = node.Inputs[0];
            return pending.IsContiguous && pending.DType == x.DType && pending.Device == x.Device && pending.Shape.AsSpan().SequenceEqual(x.Shape);
        }

        Tensor?[] ICustomGrad.Backward(GradNode node, Tensor gradOutput) => Backward(node, gradOutput, null);

        public Tensor?[] Backward(GradNode node, Tensor gradOutput, Tensor? pending)
        {
            var x = node.Inputs[0];
            var dy = gradOutput.IsContiguous ? gradOutput : gradOutput.Contiguous();
            bool affine = node.Inputs.Length == 3;
            var dx = x.RequiresGrad ? Tensor.Empty(x.Layout.Shape, x.DType, x.Device) : null;
            var dw = affine && node.Inputs[1].RequiresGrad ? Tensor.Empty([dims.Channels], x.DType, x.Device) : null;
            var db = affine && node.Inputs[2].RequiresGrad ? Tensor.Empty([dims.Channels], x.DType, x.Device) : null;
            var (weight, bias) = affine ? (node.Inputs[1].Buffer, node.Inputs[2].Buffer) : (null, null);
            if (pending != null)
                x.Buffer.Backend.GroupNormBackwardAdd(dims, x.Buffer, x.Layout.Offset, dy.Buffer, dy.Layout.Offset, weight, bias, mean.Buffer,
                    rstd.Buffer, (dx ?? throw new InvalidOperationException("group_norm backward: a pending gradient for an input that needs none.")).Buffer,
                    pending.Buffer, pending.Layout.Offset, dw?.Buffer, db?.Buffer);
            else
                x.Buffer.Backend.GroupNormBackward(dims, x.Buffer, x.Layout.Offset, dy.Buffer, dy.Layout.Offset, weight, bias, mean.Buffer,
                    rstd.Buffer, dx?.Buffer, dw?.Buffer, db?.Buffer);
            return affine ? [dx, dw, db] : [dx];
        }
    }
}
