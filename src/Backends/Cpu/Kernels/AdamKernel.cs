using System.Numerics;

namespace GsdmCore.Backends.Cpu;

/// <summary>One fused Adam / AdamW pass over a parameter, its gradient and both moments (see <see cref="AdamCoefficients"/>).</summary>
internal static class AdamKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Update(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, in AdamCoefficients c)
    {
        T b1 = T.CreateChecked(c.Beta1), b2 = T.CreateChecked(c.Beta2);
        T oneMinusB1 = T.One - b1, oneMinusB2 = T.One - b2;
        T eps = T.CreateChecked(c.Eps), stepSize = T.CreateChecked(c.StepSize), invSqrtBc2 = T.CreateChecked(c.InvSqrtBc2);
        T l2 = T.CreateChecked(c.L2);
        T keep = T.One - T.CreateChecked(c.Decay);
        int n = p.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vb1 = new Vector<T>(b1); var vb2 = new Vector<T>(b2);
            var v1m = new Vector<T>(oneMinusB1); var v2m = new Vector<T>(oneMinusB2);
            var veps = new Vector<T>(eps); var vstep = new Vector<T>(stepSize); var vinv = new Vector<T>(invSqrtBc2);
            var vl2 = new Vector<T>(l2); var vkeep = new Vector<T>(keep);
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var pi = new Vector<T>(p[i..]);
                var gi = new Vector<T>(g[i..]) + vl2 * pi;
                pi *= vkeep;
                var mi = vb1 * new Vector<T>(m[i..]) + v1m * gi;
                var vi = vb2 * new Vector<T>(v[i..]) + v2m * gi * gi;
                pi -= vstep * mi / (Vector.SquareRoot(vi) * vinv + veps);
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                pi.CopyTo(p[i..]);
            }
        }
        for (; i < n; i++)
        {
            T pi = p[i];
            T gi = g[i] + l2 * pi;
            pi *= keep;
            T mi = b1 * m[i] + oneMinusB1 * gi;
            T vi = b2 * v[i] + oneMinusB2 * gi * gi;
            p[i] = pi - stepSize * mi / (T.Sqrt(vi) * invSqrtBc2 + eps);
            m[i] = mi;
            v[i] = vi;
        }
    }
}
