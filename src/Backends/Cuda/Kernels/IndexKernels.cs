using ILGPU;

namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>
/// Index-select / index-add and gather / scatter-add over packed [outer, n, inner] blocks. Index values are
/// range-checked before these run (<see cref="FirstOutOfRange"/>); the kernels still skip a bad index
/// rather than touch memory outside the block. The accumulating kernels use atomics: on a GPU the order of
/// float additions into one element then varies from run to run.
/// </summary>
internal static class IndexKernels
{
    /// <summary>firstBad[0] = min position p with idx[p] outside [0, n) (stays int.MaxValue when all are in range).</summary>
    public static void FirstOutOfRange(Index1D i, ArrayView<int> idx, int n, ArrayView<int> firstBad)
    {
        if ((uint)idx[i] >= (uint)n) Atomic.Min(ref firstBad[0], (int)i);
    }

    /// <summary>dst[o, j, k] = src[o, idx[j], k]; i runs over dst.</summary>
    public static void IndexSelect<T>(Index1D i, ArrayView<T> src, int n, int inner, ArrayView<int> idx, int m, ArrayView<T> dst)
        where T : unmanaged
    {
        int k = i % inner, r = i / inner;
        int j = r % m, o = r / m;
        int at = idx[j];
        if ((uint)at < (uint)n) dst[i] = src[(o * n + at) * inner + k];
    }

    /// <summary>dst[o, idx[j], k] += src[o, j, k]; i runs over src.</summary>
    public static void IndexAdd<T, TOps>(Index1D i, ArrayView<T> dst, int n, int inner, ArrayView<int> idx, int m, ArrayView<T> src)
        where T : unmanaged where TOps : struct, INumberOps<T>
    {
        int k = i % inner, r = i / inner;
        int j = r % m, o = r / m;
        int at = idx[j];
        if ((uint)at < (uint)n) default(TOps).AtomicAdd(ref dst[(o * n + at) * inner + k], src[i]);
    }

    /// <summary>dst[o, j, k] = src[o, idx[o, j, k], k]; i runs over dst and idx.</summary>
    public static void Gather<T>(Index1D i, ArrayView<T> src, int n, int inner, ArrayView<int> idx, int m, ArrayView<T> dst)
        where T : unmanaged
    {
        int k = i % inner, o = i / inner / m;
        int at = idx[i];
        if ((uint)at < (uint)n) dst[i] = src[(o * n + at) * inner + k];
    }

    /// <summary>dst[o, idx[o, j, k], k] += src[o, j, k]; i runs over src and idx.</summary>
    public static void ScatterAdd<T, TOps>(Index1D i, ArrayView<T> dst, int n, int inner, ArrayView<int> idx, int m, ArrayView<T> src)
        where T : unmanaged where TOps : struct, INumberOps<T>
    {
        int k = i % inner, o = i / inner / m;
        int at = idx[i];
        if ((uint)at < (uint)n) default(TOps).AtomicAdd(ref dst[(o * n + at) * inner + k], src[i]);
    }
}
