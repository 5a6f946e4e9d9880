using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Fused group normalisation over contiguous x [B, M, C] (M nodes, G groups of C/G channels). One sample is one
/// work item: its statistics come from per-channel sums over all nodes (vectorised along the channels, where a group's
/// channels are only C/G wide; see <see cref="ChannelRows{T}"/>), folded into per-group figures, and the output is
/// then one multiply-add per element with per-channel scale and shift. Per-channel parameter gradients are summed over
/// samples in a fixed order afterwards, so results do not depend on the thread count. With SiLU fused, the forward
/// applies it in the same output loop, and the backward turns dy into dz = dy SiLU'(z) a sample at a time (z
/// recomputed from x), in the same pass as the sums of the plain group-norm backward.
/// </summary>
internal static class GroupNormKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>y = (x - mean) * rstd * w + b per (sample, group), then SiLU when <paramref name="silu"/>; writes mean and rstd [B*G].</summary>
    public static void Forward(T[] x, int xOff, T[] y, T[]? w, T[]? bias, int batch, int m, int c, int groups, T eps, T[] mean, T[] rstd,
        bool silu)
    {
        CpuParallel.For(batch, CpuParallel.Grain(m * c * 4), new ForwardSamples(x, xOff, y, w, bias, m, c, groups, eps, mean, rstd, silu));
    }

    /// <summary>The samples [start, end) of <see cref="Forward"/>.</summary>
    private readonly struct ForwardSamples(T[] x, int xOff, T[] y, T[]? w, T[]? bias, int m, int c, int groups, T eps, T[] mean, T[] rstd,
        bool silu) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int cg = c / groups;
            T count = T.CreateChecked(m * cg);
            var scratch = ArrayPool<T>.Shared.Rent(4 * c);
            var meanC = scratch.AsSpan(0, c);
            var sums = scratch.AsSpan(c, c);
            var scale = scratch.AsSpan(2 * c, c);
            var shift = scratch.AsSpan(3 * c, c);
            for (int b = start; b < end; b++)
            {
                int at = xOff + b * m * c;
                var xs = x.AsSpan(at, m * c);
                // Mean per group from per-channel sums.
                ChannelRows<T>.Sum(xs, m, c, sums);
                for (int g = 0; g < groups; g++)
                {
                    T mu = TensorPrimitives.Sum<T>(sums.Slice(g * cg, cg)) / count;
                    mean[b * groups + g] = mu;
                    meanC.Slice(g * cg, cg).Fill(mu);
                }
                // Variance about the mean (two passes: no cancellation), again per channel first.
                ChannelRows<T>.SquaredDeviations(xs, m, c, meanC, sums);
                for (int g = 0; g < groups; g++)
                {
                    T r = T.One / T.Sqrt(TensorPrimitives.Sum<T>(sums.Slice(g * cg, cg)) / count + eps);
                    rstd[b * groups + g] = r;
                    scale.Slice(g * cg, cg).Fill(r);
                }
                // y = x * scale + shift with scale = rstd * w and shift = bias - mean * scale, per channel.
                ScaleShift(scale, shift, meanC, w, bias, c);
                ChannelRows<T>.Affine(xs, m, c, scale, shift, y.AsSpan(b * m * c, m * c), silu);
            }
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Per channel, scale = rstd w (rstd alone without w; <paramref name="scale"/> holds rstd on entry) and
    /// shift = b - mean scale, so that the normalised, affine-mapped z = x scale + shift.
    /// </summary>
    private static void ScaleShift(Span<T> scale, Span<T> shift, ReadOnlySpan<T> meanC, T[]? w, T[]? bias, int c)
    {
        if (w != null) TensorPrimitives.Multiply(scale, w.AsSpan(0, c), scale);
        TensorPrimitives.Multiply(meanC, scale, shift);
        if (bias != null) TensorPrimitives.Subtract(bias.AsSpan(0, c), shift, shift);
        else TensorPrimitives.Negate(shift, shift);
    }

    /// <summary>
    /// dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)) with dxhat = dy w, plus <paramref name="addend"/> (from
    /// <paramref name="addendOff"/>, laid out as x) when given, in the same pass; dw[c] = sum dy xhat, db[c] = sum dy.
    /// Per sample, with a = sum over nodes of dy xhat and s = sum of dy per channel: the group means of dxhat and
    /// dxhat xhat are sums of w a and w s over the group's channels, and dx = alpha dy + beta x + gamma per channel.
    /// With <paramref name="silu"/>, dy is the gradient of SiLU(z) and dz = dy SiLU'(z) (z recomputed, which needs
    /// <paramref name="bias"/>) takes its place.
    /// </summary>
    public static void Backward(T[] x, int xOff, T[] dy, int dyOff, T[]? w, T[]? bias, int batch, int m, int c, int groups, T[] mean, T[] rstd,
        T[]? dx, T[]? addend, int addendOff, T[]? dw, T[]? db, bool silu)
    {
        // Per-sample sums of dy xhat and dy per channel: the parameter gradients, reduced over samples in order below.
        var partW = ArrayPool<T>.Shared.Rent(batch * c);
        var partB = ArrayPool<T>.Shared.Rent(batch * c);
        CpuParallel.For(batch, CpuParallel.Grain(m * c * 6),
            new BackwardSamples(x, xOff, dy, dyOff, w, bias, m, c, groups, mean, rstd, dx, addend, addendOff, partW, partB, silu));
        for (int b = 0; b < batch; b++)
        {
            if (dw != null) TensorPrimitives.Add(dw.AsSpan(0, c), partW.AsSpan(b * c, c), dw.AsSpan(0, c));
            if (db != null) TensorPrimitives.Add(db.AsSpan(0, c), partB.AsSpan(b * c, c), db.AsSpan(0, c));
        }
        ArrayPool<T>.Shared.Return(partW);
        ArrayPool<T>.Shared.Return(partB);
    }

    /// <summary>The samples [start, end) of <see cref="Backward"/>: dx, and each sample's parameter-gradient sums into <c>partW</c> and <c>partB</c>.</summary>
    private readonly struct BackwardSamples(T[] x, int xOff, T[] dy, int dyOff, T[]? w, T[]? bias, int m, int c, int groups, T[] mean, T[] rstd,
        T[]? dx, T[]? addend, int addendOff, T[] partW, T[] partB, bool silu) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int cg = c / groups;
            T count = T.CreateChecked(m * cg);
            var scratch = ArrayPool<T>.Shared.Rent(5 * c);
            var meanC = scratch.AsSpan(0, c);
            var rstdC = scratch.AsSpan(c, c);
            var alpha = scratch.AsSpan(2 * c, c);
            var beta = scratch.AsSpan(3 * c, c);
            var gamma = scratch.AsSpan(4 * c, c);
            // One sample's dz, when SiLU is fused.
            var dz = silu ? ArrayPool<T>.Shared.Rent(m * c) : null;
            for (int b = start; b < end; b++)
            {
                int at = xOff + b * m * c, dyAt = dyOff + b * m * c;
                for (int g = 0; g < groups; g++)
                {
                    meanC.Slice(g * cg, cg).Fill(mean[b * groups + g]);
                    rstdC.Slice(g * cg, cg).Fill(rstd[b * groups + g]);
                }
                var a = partW.AsSpan(b * c, c);
                var s = partB.AsSpan(b * c, c);
                var xs = x.AsSpan(at, m * c);
                var gs = dy.AsSpan(dyAt, m * c);
                if (dz != null)
                {
                    rstdC.CopyTo(alpha);
                    ScaleShift(alpha, beta, meanC, w, bias, c);
                    ChannelRows<T>.SiluGradientSums(xs, gs, m, c, alpha, beta, meanC, rstdC, dz.AsSpan(0, m * c), a, s);
                    gs = dz.AsSpan(0, m * c);
                }
                else ChannelRows<T>.BackwardSums(xs, gs, m, c, meanC, rstdC, a, s);
                if (dx == null) continue;
                for (int g = 0; g < groups; g++)
                {
                    var ga = a.Slice(g * cg, cg);
                    var gsum = s.Slice(g * cg, cg);
                    T m1 = (w == null ? TensorPrimitives.Sum<T>(gsum) : TensorPrimitives.Dot<T>(gsum, w.AsSpan(g * cg, cg))) / count;
                    T m2 = (w == null ? TensorPrimitives.Sum<T>(ga) : TensorPrimitives.Dot<T>(ga, w.AsSpan(g * cg, cg))) / count;
                    T r = rstd[b * groups + g], mu = mean[b * groups + g];
                    T be = -r * r * m2;
                    beta.Slice(g * cg, cg).Fill(be);
                    gamma.Slice(g * cg, cg).Fill(-r * m1 - be * mu);
                }
                if (w != null) TensorPrimitives.Multiply(rstdC, w.AsSpan(0, c), alpha);
                else rstdC.CopyTo(alpha);
                ChannelRows<T>.InputGradient(xs, gs, m, c, alpha, beta, gamma, dx.AsSpan(b * m * c, m * c),
                    addend == null ? default : addend.AsSpan(addendOff + b * m * c, m * c));
            }
            ArrayPool<T>.Shared.Return(scratch);
            if (dz != null) ArrayPool<T>.Shared.Return(dz);
        }
    }
}
