namespace GsdmCore.TestSupport;

public sealed partial class NdArray
{
    /// <summary>Normalised, sorted axes; null or empty means every axis (the engine's convention).</summary>
    public int[] NormalizeAxes(int[]? axes) =>
        axes == null || axes.Length == 0
            ? Enumerable.Range(0, Rank).ToArray()
            : axes.Select(a => a < 0 ? a + Rank : a).Distinct().OrderBy(a => a).ToArray();

    /// <summary>Folds the values of each reduced group with <paramref name="fold"/> (values in row-major order).</summary>
    public NdArray Reduce(int[]? axes, bool keepDim, Func<IReadOnlyList<double>, double> fold)
    {
        var reduced = NormalizeAxes(axes);
        var keptShape = Shape.Select((d, i) => reduced.Contains(i) ? 1 : d).ToArray();
        var groups = new List<double>[ShapeCount(keptShape)];
        for (int g = 0; g < groups.Length; g++) groups[g] = [];
        for (int i = 0; i < Count; i++)
        {
            var index = Unravel(i, Shape);
            foreach (var a in reduced) index[a] = 0;
            groups[Flat(keptShape, index)].Add(Data[i]);
        }
        var result = new NdArray(keptShape, groups.Select(g => fold(g)).ToArray());
        return keepDim ? result : result.Reshape(Shape.Where((_, i) => !reduced.Contains(i)).ToArray());
    }

    public NdArray Sum(int[]? axes = null, bool keepDim = false) => Reduce(axes, keepDim, v => v.Sum());

    public NdArray Mean(int[]? axes = null, bool keepDim = false) => Reduce(axes, keepDim, v => v.Sum() / v.Count);

    public NdArray Var(int[]? axes, bool keepDim, int correction) => Reduce(axes, keepDim, v =>
    {
        double mean = v.Sum() / v.Count;
        return v.Sum(x => (x - mean) * (x - mean)) / (v.Count - correction);
    });

    public NdArray Max(int[]? axes = null, bool keepDim = false) => Reduce(axes, keepDim, v => v.Max());

    public NdArray Min(int[]? axes = null, bool keepDim = false) => Reduce(axes, keepDim, v => v.Min());

    /// <summary>Index of the first maximum along one axis.</summary>
    public NdArray ArgMax(int axis, bool keepDim) => Reduce([axis], keepDim, v => FirstIndex(v, v.Max()));

    public NdArray ArgMin(int axis, bool keepDim) => Reduce([axis], keepDim, v => FirstIndex(v, v.Min()));

    private static double FirstIndex(IReadOnlyList<double> v, double target)
    {
        for (int i = 0; i < v.Count; i++) if (v[i] == target) return i;
        return -1;
    }

    public NdArray LogSumExp(int[]? axes = null, bool keepDim = false) =>
        Reduce(axes, keepDim, v => Math.Log(v.Sum(Math.Exp)));

    public NdArray Softmax(int axis) => AlongAxis(axis, row =>
    {
        double total = row.Sum(Math.Exp);
        return row.Select(x => Math.Exp(x) / total).ToArray();
    });

    public NdArray LogSoftmax(int axis) => AlongAxis(axis, row =>
    {
        double log = Math.Log(row.Sum(Math.Exp));
        return row.Select(x => x - log).ToArray();
    });

    /// <summary>Replaces every 1-D line along <paramref name="axis"/> with <paramref name="f"/>(line).</summary>
    public NdArray AlongAxis(int axis, Func<double[], double[]> f)
    {
        if (axis < 0) axis += Rank;
        var result = Zeros(Shape);
        int n = Shape[axis];
        for (int i = 0; i < Count; i++)
        {
            var start = Unravel(i, Shape);
            if (start[axis] != 0) continue;
            var line = new double[n];
            for (int j = 0; j < n; j++) { start[axis] = j; line[j] = this[start]; }
            var mapped = f(line);
            for (int j = 0; j < n; j++) { start[axis] = j; result[start] = mapped[j]; }
        }
        return result;
    }
}
