namespace GsdmCore.TestSupport;

public sealed partial class NdArray
{
    public NdArray IndexSelect(int axis, int[] index)
    {
        var shape = (int[])Shape.Clone();
        shape[axis] = index.Length;
        return Build(shape, at =>
        {
            var source = (int[])at.Clone();
            source[axis] = index[at[axis]];
            return this[source];
        });
    }

    /// <summary>A copy with slice j of <paramref name="source"/> added into slice index[j] along <paramref name="axis"/>.</summary>
    public NdArray IndexAdd(int axis, int[] index, NdArray source)
    {
        var result = new NdArray(Shape, (double[])Data.Clone());
        for (int i = 0; i < source.Count; i++)
        {
            var at = Unravel(i, source.Shape);
            at[axis] = index[at[axis]];
            result[at] += source.Data[i];
        }
        return result;
    }

    /// <summary>result[..., j, ...] = this[..., index[..., j, ...], ...] (index: an NdArray of integers).</summary>
    public NdArray Gather(int axis, NdArray index) => Build(index.Shape, at =>
    {
        var source = (int[])at.Clone();
        source[axis] = (int)index[at];
        return this[source];
    });

    public NdArray ScatterAdd(int axis, NdArray index, NdArray source)
    {
        var result = new NdArray(Shape, (double[])Data.Clone());
        for (int i = 0; i < source.Count; i++)
        {
            var at = Unravel(i, source.Shape);
            at[axis] = (int)index.Data[i];
            result[at] += source.Data[i];
        }
        return result;
    }

    public static NdArray Concat(IReadOnlyList<NdArray> parts, int axis)
    {
        var shape = (int[])parts[0].Shape.Clone();
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        var result = Zeros(shape);
        int at = 0;
        foreach (var p in parts)
        {
            for (int i = 0; i < p.Count; i++)
            {
                var index = Unravel(i, p.Shape);
                index[axis] += at;
                result[index] = p.Data[i];
            }
            at += p.Shape[axis];
        }
        return result;
    }

    public static NdArray OneHot(NdArray index, int classes) =>
        Build([.. index.Shape, classes], at => (int)index[at[..^1]] == at[^1] ? 1 : 0);
}
