using ILGPU;

namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>The scalars of one Adam step, converted to the element type once on the host.</summary>
internal readonly struct AdamScalars<T> where T : unmanaged
{
    public readonly T B1, B2, OneMinusB1, OneMinusB2, Eps, StepSize, InvSqrtBc2, L2, Keep;

    public AdamScalars(T b1, T b2, T oneMinusB1, T oneMinusB2, T eps, T stepSize, T invSqrtBc2, T l2, T keep)
    {
        (B1, B2, OneMinusB1, OneMinusB2, Eps, StepSize, InvSqrtBc2, L2, Keep) = (b1, b2, oneMinusB1, oneMinusB2, eps, stepSize, invSqrtBc2, l2, keep);
    }
}

/// <summary>One fused Adam / AdamW update per element (the CPU kernel's formula, element by element).</summary>
internal static class AdamKernels
{
    public static void Step<T, TOps>(Index1D i, AdamScalars<T> s, ArrayView<T> p, int pOff, ArrayView<T> g, int gOff, ArrayView<T> mm, ArrayView<T> vv)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var o = default(TOps);
        T pi = p[pOff + i];
        T gi = o.Add(g[gOff + i], o.Mul(s.L2, pi));
        pi = o.Mul(pi, s.Keep);
        T mi = o.Add(o.Mul(s.B1, mm[i]), o.Mul(s.OneMinusB1, gi));
        T vi = o.Add(o.Mul(s.B2, vv[i]), o.Mul(o.Mul(s.OneMinusB2, gi), gi));
        p[pOff + i] = o.Sub(pi, o.Div(o.Mul(s.StepSize, mi), o.Add(o.Mul(o.Sqrt(vi), s.InvSqrtBc2), s.Eps)));
        mm[i] = mi;
        vv[i] = vi;
    }
}

/// <summary>One exponential-moving-average step per element: shadow = decay shadow + rest value (the CPU's roundings).</summary>
internal static class MovingAverageKernels
{
    public static void Step<T, TOps>(Index1D i, T decay, T rest, ArrayView<T> shadow, ArrayView<T> value, int valueOffset)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var o = default(TOps);
        shadow[i] = o.Add(o.Mul(decay, shadow[i]), o.Mul(rest, value[valueOffset + i]));
    }
}
