namespace GsdmCore.TestSupport;

public sealed partial class NdArray
{
    public NdArray Reshape(params int[] shape)
    {
        if (ShapeCount(shape) != Count) throw new ArgumentException($"reshape {Format(Shape)} -> {Format(shape)}");
        return new NdArray(shape, (double[])Data.Clone());
    }

    /// <summary>Result axis i is axis order[i] of this array.</summary>
    public NdArray Permute(params int[] order)
    {
        var shape = order.Select(a => Shape[a]).ToArray();
        return Build(shape, index =>
        {
            var source = new int[Rank];
            for (int i = 0; i < Rank; i++) source[order[i]] = index[i];
            return this[source];
        });
    }

    public NdArray Narrow(int axis, int start, int length)
    {
        var shape = (int[])Shape.Clone();
        shape[axis] = length;
        return Build(shape, index =>
        {
            var source = (int[])index.Clone();
            source[axis] += start;
            return this[source];
        });
    }

    /// <summary>NumPy broadcasting of this array to <paramref name="shape"/>.</summary>
    public NdArray BroadcastTo(int[] shape)
    {
        int lead = shape.Length - Rank;
        for (int i = 0; i < Rank; i++)
            if (Shape[i] != 1 && Shape[i] != shape[lead + i])
                throw new ArgumentException($"broadcast {Format(Shape)} -> {Format(shape)}");
        return Build(shape, index =>
        {
            var source = new int[Rank];
            for (int i = 0; i < Rank; i++) source[i] = Shape[i] == 1 ? 0 : index[lead + i];
            return this[source];
        });
    }

    /// <summary>The shape two shapes broadcast to, or null when they do not.</summary>
    public static int[]? BroadcastShape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1) return null;
            shape[i] = da == 1 ? db : da;
        }
        return shape;
    }

    public NdArray Unsqueeze(int axis)
    {
        var shape = Shape.ToList();
        shape.Insert(axis, 1);
        return Reshape(shape.ToArray());
    }

    /// <summary>Sums over axes so the result has <paramref name="shape"/> (the inverse of broadcasting).</summary>
    public NdArray SumTo(int[] shape)
    {
        var result = Zeros(shape);
        int lead = Rank - shape.Length;
        for (int i = 0; i < Count; i++)
        {
            var index = Unravel(i, Shape);
            var target = new int[shape.Length];
            for (int a = 0; a < shape.Length; a++) target[a] = shape[a] == 1 ? 0 : index[lead + a];
            result[target] += Data[i];
        }
        return result;
    }
}
