using ILGPU;

namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>
/// Group normalisation over contiguous x [B, M, C] with G groups. Statistics: one thread per (sample, group), summing
/// nodes then channels in the CPU kernel's order; elementwise passes: one thread per element; parameter gradients:
/// one thread per channel, summing each sample's partial in order. No atomics: deterministic.
/// </summary>
internal static class GroupNormKernels
{
    /// <summary>mean[item], rstd[item] for item = b * G + g.</summary>
    public static void Stats<T, TOps>(Index1D item, ArrayView<T> x, int xOff, int m, int c, int groups, T eps, ArrayView<T> mean, ArrayView<T> rstd)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var o = default(TOps);
        int cg = c / groups, b = item / groups, g = item % groups;
        int baseAt = xOff + b * m * c + g * cg;
        T count = o.FromDouble((double)m * cg);
        T sum = o.Zero;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < cg; j++) sum = o.Add(sum, x[baseAt + i * c + j]);
        T mu = o.Div(sum, count);
        T sq = o.Zero;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < cg; j++) { T dv = o.Sub(x[baseAt + i * c + j], mu); sq = o.Add(sq, o.Mul(dv, dv)); }
        mean[item] = mu;
        rstd[item] = o.Div(o.One, o.Sqrt(o.Add(o.Div(sq, count), eps)));
    }

    /// <summary>y[at] = z = (x - mean) rstd (* w + b when affine), or SiLU(z) when <paramref name="silu"/> is set; at runs over B*M*C.</summary>
    public static void Normalize<T, TOps>(Index1D at, ArrayView<T> x, int xOff, int m, int c, int groups,
        ArrayView<T> mean, ArrayView<T> rstd, int affine, ArrayView<T> w, ArrayView<T> bias, int silu, ArrayView<T> y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        T z = Normalized<T, TOps>(at, x, xOff, m, c, groups, mean, rstd, affine, w, bias);
        y[at] = silu != 0 ? ElementMath.Unary<T, TOps>((int)UnaryOp.Silu, z) : z;
    }

    /// <summary>dz[at] = dy SiLU'(z) with z recomputed as in <see cref="Normalize{T, TOps}"/>; at runs over B*M*C.</summary>
    public static void SiluGradient<T, TOps>(Index1D at, ArrayView<T> x, int xOff, ArrayView<T> dy, int dyOff, int m, int c, int groups,
        ArrayView<T> mean, ArrayView<T> rstd, int affine, ArrayView<T> w, ArrayView<T> bias, ArrayView<T> dz)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        T z = Normalized<T, TOps>(at, x, xOff, m, c, groups, mean, rstd, affine, w, bias);
        dz[at] = default(TOps).Mul(dy[dyOff + at], ElementMath.Unary<T, TOps>((int)UnaryOp.SiluDerivative, z));
    }

    private static T Normalized<T, TOps>(int at, ArrayView<T> x, int xOff, int m, int c, int groups,
        ArrayView<T> mean, ArrayView<T> rstd, int affine, ArrayView<T> w, ArrayView<T> bias)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var o = default(TOps);
        int ch = at % c, b = at / (m * c), item = b * groups + ch / (c / groups);
        T v = o.Mul(o.Sub(x[xOff + at], mean[item]), rstd[item]);
        return affine != 0 ? o.Add(o.Mul(v, w[ch]), bias[ch]) : v;
    }

    /// <summary>sums[2 item] = sum dxhat, sums[2 item + 1] = sum dxhat xhat over the (sample, group).</summary>
    public static void BackwardSums<T, TOps>(Index1D item, ArrayView<T> x, int xOff, ArrayView<T> dy, int dyOff, int m, int c, int groups,
        ArrayView<T> mean, ArrayView<T> rstd, int affine, ArrayView<T> w, ArrayView<T> sums)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var o = default(TOps);
        int cg = c / groups, b = item / groups, g = item % groups;
        int baseAt = b * m * c + g * cg;
        T mu = mean[item], r = rstd[item];
        T s1 = o.Zero, s2 = o.Zero;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < cg; j++)
            {
                int at = baseAt + i * c + j;
                T xhat = o.Mul(o.Sub(x[xOff + at], mu), r);
                T dxhat = affine != 0 ? o.Mul(dy[dyOff + at], w[g * cg + j]) : dy[dyOff + at];
                s1 = o.Add(s1, dxhat);
                s2 = o.Add(s2, o.Mul(dxhat, xhat));
            }
        sums[2 * item] = s1;
        sums[2 * item + 1] = s2;
    }

    /// <summary>dx[at] = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)); at runs over B*M*C.</summary>
    public static void BackwardInput<T, TOps>(Index1D at, ArrayView<T> x, int xOff, ArrayView<T> dy, int dyOff, int m, int c, int groups,
        ArrayView<T> mean, ArrayView<T> rstd, int affine, ArrayView<T> w, ArrayView<T> sums, ArrayView<T> dx)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var o = default(TOps);
        int cg = c / groups, ch = at % c, b = at / (m * c), item = b * groups + ch / cg;
        T count = o.FromDouble((double)m * cg);
        T r = rstd[item];
        T xhat = o.Mul(o.Sub(x[xOff + at], mean[item]), r);
        T dxhat = affine != 0 ? o.Mul(dy[dyOff + at], w[ch]) : dy[dyOff + at];
        T m1 = o.Div(sums[2 * item], count), m2 = o.Div(sums[2 * item + 1], count);
        dx[at] = o.Mul(r, o.Sub(o.Sub(dxhat, m1), o.Mul(xhat, m2)));
    }

    /// <summary>dw[ch] = sum_b (sum_i dy xhat), db[ch] = sum_b (sum_i dy); ch runs over C.</summary>
    public static void BackwardParams<T, TOps>(Index1D ch, ArrayView<T> x, int xOff, ArrayView<T> dy, int dyOff, int batch, int m, int c, int groups,
        ArrayView<T> mean, ArrayView<T> rstd, int needDw, ArrayView<T> dw, int needDb, ArrayView<T> db)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var o = default(TOps);
        int g = ch / (c / groups);
        T sw = o.Zero, sb = o.Zero;
        for (int b = 0; b < batch; b++)
        {
            int item = b * groups + g;
            T mu = mean[item], r = rstd[item];
            T pw = o.Zero, pb = o.Zero;
            for (int i = 0; i < m; i++)
            {
                int at = b * m * c + i * c + ch;
                T g0 = dy[dyOff + at];
                pw = o.Add(pw, o.Mul(g0, o.Mul(o.Sub(x[xOff + at], mu), r)));
                pb = o.Add(pb, g0);
            }
            sw = o.Add(sw, pw);
            sb = o.Add(sb, pb);
        }
        if (needDw != 0) dw[ch] = sw;
        if (needDb != 0) db[ch] = sb;
    }
}
