using System.Buffers;
using System.Numerics;
namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Fused group normalisation over contiguous x [B, M, C] (M nodes, G groups of C/G channels). Work is split
/// over (sample, group) items in fixed chunks, and per-channel parameter gradients are summed over samples in
/// a fixed order afterwards, so results do not depend on the thread count.
/// </summary>
internal static class GroupNormKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>y = (x - mean) * rstd * w + b per (sample, group); writes mean and rstd [B*G].</summary>
    public static void Forward(T[] x, int xOff, T[] y, T[]? w, T[]? bias, int batch, int m, int c, int groups, T eps, T[] mean, T[] rstd)
    {
        int cg = c / groups;
        T count = T.CreateChecked(m * cg);
        CpuParallel.For(batch * groups, CpuParallel.Grain(m * cg * 3), (start, end) =>
        {
            for (int item = start; item < end; item++)
            {
                int b = item / groups, g = item - b * groups;
                int baseAt = b * m * c + g * cg;
                T sum = T.Zero;
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < cg; j++) sum += x[xOff + baseAt + i * c + j];
                T mu = sum / count;
                T sq = T.Zero;
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < cg; j++) { T d = x[xOff + baseAt + i * c + j] - mu; sq += d * d; }
                T r = T.One / T.Sqrt(sq / count + eps);
                mean[item] = mu;
                rstd[item] = r;
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < cg; j++)
                    {
                        int at = baseAt + i * c + j;
                        T v = (x[xOff + at] - mu) * r;
                        y[at] = w == null ? v : v * w[g * cg + j] + bias![g * cg + j];
                    }
            }
        });
    }

    /// <summary>
    /// dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)) with dxhat = dy w; dw[c] = sum dy xhat, db[c] = sum dy.
    /// </summary>
    public static void Backward(T[] x, int xOff, T[] dy, int dyOff, T[]? w, int batch, int m, int c, int groups, T[] mean, T[] rstd,
        T[]? dx, T[]? dw, T[]? db)
    {
        int cg = c / groups;
        T count = T.CreateChecked(m * cg);
        // Per-sample partial sums of the parameter gradients, reduced over samples in order below.
        var partW = dw != null ? RentZeroed(batch * c) : null;
        var partB = db != null ? RentZeroed(batch * c) : null;
        CpuParallel.For(batch * groups, CpuParallel.Grain(m * cg * 4), (start, end) =>
        {
            for (int item = start; item < end; item++)
            {
                int b = item / groups, g = item - b * groups;
                int baseAt = b * m * c + g * cg;
                T mu = mean[item], r = rstd[item];
                T s1 = T.Zero, s2 = T.Zero;
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < cg; j++)
                    {
                        int at = baseAt + i * c + j;
                        T g0 = dy[dyOff + at];
                        T xhat = (x[xOff + at] - mu) * r;
                        T dxhat = w == null ? g0 : g0 * w[g * cg + j];
                        s1 += dxhat;
                        s2 += dxhat * xhat;
                        if (partW != null) partW[b * c + g * cg + j] += g0 * xhat;
                        if (partB != null) partB[b * c + g * cg + j] += g0;
                    }
                if (dx == null) continue;
                T m1 = s1 / count, m2 = s2 / count;
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < cg; j++)
                    {
                        int at = baseAt + i * c + j;
                        T xhat = (x[xOff + at] - mu) * r;
                        T dxhat = w == null ? dy[dyOff + at] : dy[dyOff + at] * w[g * cg + j];
                        dx[at] = r * (dxhat - m1 - xhat * m2);
                    }
            }
        });
        for (int b = 0; b < batch; b++)
            for (int ch = 0; ch < c; ch++)
            {
                if (partW != null) dw![ch] += partW[b * c + ch];
                if (partB != null) db![ch] += partB[b * c + ch];
            }
        if (partW != null) ArrayPool<T>.Shared.Return(partW);
        if (partB != null) ArrayPool<T>.Shared.Return(partB);
    }

    private static T[] RentZeroed(int length)
    {
        var array = ArrayPool<T>.Shared.Rent(length);
        array.AsSpan(0, length).Clear();
        return array;
    }
}
