using ILGPU;

namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>
/// Reductions over the trailing axes of a view. A group of G threads handles G / lanes rows; each row's
/// lanes stride through its elements, then a tree in shared memory combines them (fixed order for a given
/// group shape, so repeated runs on one device agree bit for bit). Rows are found through the leading-axes
/// map, elements through the trailing-axes map, so no view needs packing first.
/// </summary>
internal static class ReduceKernels
{
    /// <summary>Largest group the kernels are launched with (the shared-memory arrays are this long).</summary>
    public const int MaxGroup = 256;

    /// <summary>y[row] = fold of op (0 sum, 1 max, 2 min: <see cref="ReduceOp"/> values) over the row.</summary>
    public static void Reduce<T, TOps>(ArrayView<T> x, Strides8 rows, Dims8 rowDims, Strides8 elems, Dims8 elemDims, int elemContiguous,
        int outer, int length, int lanes, int op, ArrayView<T> y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var shared = SharedMemory.Allocate<T>(MaxGroup);
        int t = Group.IdxX;
        int lane = t & (lanes - 1);
        int row = Grid.IdxX * (Group.DimX / lanes) + t / lanes;
        T acc = Identity<T, TOps>(op);
        if (row < outer)
        {
            int rowBase = rows.At(rowDims.Coords(row));
            for (int k = lane; k < length; k += lanes)
                acc = Combine<T, TOps>(op, acc, x[rowBase + (elemContiguous != 0 ? k : elems.At(elemDims.Coords(k)))]);
        }
        acc = SegmentReduce<T, TOps>(shared, t, lane, lanes, acc, op);
        if (lane == 0 && row < outer) y[row] = acc;
    }

    /// <summary>y[row] = index of the first maximum (op 0) or minimum (op 1) of the row; the first NaN wins, +0 beats -0, -1 for an empty row.</summary>
    public static void ArgReduce<T, TOps>(ArrayView<T> x, Strides8 rows, Dims8 rowDims, int stride,
        int outer, int length, int lanes, int op, ArrayView<int> y)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var values = SharedMemory.Allocate<T>(MaxGroup);
        var indices = SharedMemory.Allocate<int>(MaxGroup);
        int t = Group.IdxX;
        int lane = t & (lanes - 1);
        int row = Grid.IdxX * (Group.DimX / lanes) + t / lanes;
        T best = default(TOps).Zero;
        int bestAt = int.MaxValue;
        if (row < outer)
        {
            int rowBase = rows.At(rowDims.Coords(row));
            for (int k = lane; k < length; k += lanes)
            {
                T v = x[rowBase + k * stride];
                if (Prefer<T, TOps>(op, v, k, best, bestAt)) { best = v; bestAt = k; }
            }
        }
        values[t] = best;
        indices[t] = bestAt;
        Group.Barrier();
        for (int s = lanes / 2; s > 0; s >>= 1)
        {
            if (lane < s && Prefer<T, TOps>(op, values[t + s], indices[t + s], values[t], indices[t]))
            {
                values[t] = values[t + s];
                indices[t] = indices[t + s];
            }
            Group.Barrier();
        }
        if (lane == 0 && row < outer) y[row] = indices[t] == int.MaxValue ? -1 : indices[t];
    }

    /// <summary>
    /// Tree-combines <paramref name="value"/> over the <paramref name="lanes"/> threads of each segment of the
    /// group; every lane gets its segment's result. All threads of the group must call it.
    /// </summary>
    public static T SegmentReduce<T, TOps>(ArrayView<T> shared, int t, int lane, int lanes, T value, int op)
        where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        shared[t] = value;
        Group.Barrier();
        for (int s = lanes / 2; s > 0; s >>= 1)
        {
            if (lane < s) shared[t] = Combine<T, TOps>(op, shared[t], shared[t + s]);
            Group.Barrier();
        }
        T result = shared[t - lane];
        Group.Barrier();
        return result;
    }

    public static T Identity<T, TOps>(int op) where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var m = default(TOps);
        return op == (int)ReduceOp.Max ? m.NegativeInfinity : op == (int)ReduceOp.Min ? m.PositiveInfinity : m.Zero;
    }

    public static T Combine<T, TOps>(int op, T a, T b) where T : unmanaged where TOps : struct, IFloatOps<T> =>
        op == (int)ReduceOp.Max ? ElementMath.Max<T, TOps>(a, b)
        : op == (int)ReduceOp.Min ? ElementMath.Min<T, TOps>(a, b)
        : default(TOps).Add(a, b);

    /// <summary>Whether (v, iv) beats (w, iw) for arg-max (op 0) / arg-min (op 1); int.MaxValue marks "no element yet".</summary>
    private static bool Prefer<T, TOps>(int op, T v, int iv, T w, int iw) where T : unmanaged where TOps : struct, IFloatOps<T>
    {
        var m = default(TOps);
        if (iv == int.MaxValue) return false;
        if (iw == int.MaxValue) return true;
        bool nv = m.IsNaN(v), nw = m.IsNaN(w);
        if (nv || nw) return nv && (!nw || iv < iw);
        if (m.Equal(v, w))
        {
            // Like TensorPrimitives.IndexOfMax / IndexOfMin: +0 counts as greater than -0.
            if (m.Equal(v, m.Zero))
            {
                T rv = m.Div(m.One, v), rw = m.Div(m.One, w);
                if (!m.Equal(rv, rw)) return op == 0 ? m.Less(rw, rv) : m.Less(rv, rw);
            }
            return iv < iw;
        }
        return op == 0 ? m.Less(w, v) : m.Less(v, w);
    }
}
