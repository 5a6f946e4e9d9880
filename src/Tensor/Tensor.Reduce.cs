using GsdmCore.Backends;

namespace GsdmCore;

public sealed partial class Tensor
{
    /// <summary>Moves the reduced axes last (a view) and runs the backend's reduction; shape of kept axes.</summary>
    private Tensor ReduceRaw(string op, ReduceOp kind, int[] axes, bool keepDim, DType outType)
    {
        // Kept axes first, then the reduced ones (axes is sorted and distinct).
        Span<int> order = stackalloc int[Rank];
        int kept = 0;
        for (int a = 0; a < Rank; a++)
            if (Array.IndexOf(axes, a) < 0) order[kept++] = a;
        axes.CopyTo(order[kept..]);
        if (kind != ReduceOp.Sum)
            foreach (var a in axes)
                if (Layout.Shape[a] == 0) throw new TensorShapeException(op, $"cannot reduce an empty axis of {Checks.S(Layout.Shape)}.");
        var moved = new Layout(Checks.Pick(Layout.Shape, order), Checks.Pick(Layout.Strides, order), Layout.Offset);
        var y = Empty(Checks.Pick(Layout.Shape, order[..kept]), outType, Device);
        if (Layout.ShapeCount(moved.Shape.AsSpan(kept)) == 0) Backend.Fill(y.Buffer, y.Layout, 0);
        else Backend.Reduce(kind, Buffer, moved, axes.Length, y.Buffer);
        return keepDim ? y.WithLayout(Layout.Contiguous(KeptShape(axes))) : y;
    }

    /// <summary>This tensor's shape with <paramref name="axes"/> set to 1.</summary>
    public int[] KeptShape(int[] axes)
    {
        var shape = Shape;
        foreach (var a in axes) shape[a] = 1;
        return shape;
    }

    /// <summary>Sum over <paramref name="axes"/> (all when empty).</summary>
    public Tensor Sum(int[]? axes = null, bool keepDim = false)
    {
        Checks.Float("sum", this);
        var ax = Checks.Axes("sum", axes, Rank);
        return ReduceRaw("sum", ReduceOp.Sum, ax, keepDim, DType).Recorded(OpKind.Sum, new ReduceAttr(ax, keepDim), this);
    }

    /// <summary>Sum over one axis.</summary>
    public Tensor Sum(int axis, bool keepDim = false) => Sum([axis], keepDim);

    /// <summary>Mean over <paramref name="axes"/> (all when empty).</summary>
    public Tensor Mean(int[]? axes = null, bool keepDim = false)
    {
        var ax = Checks.Axes("mean", axes, Rank);
        int n = ReducedCount(ax);
        return Sum(ax, keepDim) / n;
    }

    private int ReducedCount(int[] axes)
    {
        int n = 1;
        foreach (var a in axes) n *= Layout.Shape[a];
        return n;
    }

    /// <summary>Mean over one axis.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => Mean([axis], keepDim);

    /// <summary>Variance over <paramref name="axes"/>: sum of squared deviations / (N - correction). correction = 1 is unbiased, 0 the population variance.</summary>
    public Tensor Var(int[]? axes = null, bool keepDim = false, int correction = 1)
    {
        var ax = Checks.Axes("var", axes, Rank);
        int n = ReducedCount(ax);
        if (n - correction <= 0)
            throw new TensorShapeException("var", $"{n} elements per reduction with correction {correction} leave no degrees of freedom ({Checks.S(Layout.Shape)}, axes [{string.Join(", ", ax)}]).");
        var centred = this - Mean(ax, keepDim: true);
        return centred.Square().Sum(ax, keepDim) / (n - correction);
    }

    /// <summary>Variance over one axis.</summary>
    public Tensor Var(int axis, bool keepDim = false, int correction = 1) => Var([axis], keepDim, correction);

    /// <summary>Maximum over <paramref name="axes"/> (all when empty). The gradient is shared among tied maxima.</summary>
    public Tensor Max(int[]? axes = null, bool keepDim = false)
    {
        Checks.Float("max", this);
        var ax = Checks.Axes("max", axes, Rank);
        return ReduceRaw("max", ReduceOp.Max, ax, keepDim, DType).Recorded(OpKind.Max, new ReduceAttr(ax, keepDim), this);
    }

    /// <summary>Maximum over one axis.</summary>
    public Tensor Max(int axis, bool keepDim = false) => Max([axis], keepDim);

    /// <summary>Minimum over <paramref name="axes"/> (all when empty).</summary>
    public Tensor Min(int[]? axes = null, bool keepDim = false)
    {
        Checks.Float("min", this);
        var ax = Checks.Axes("min", axes, Rank);
        return ReduceRaw("min", ReduceOp.Min, ax, keepDim, DType).Recorded(OpKind.Min, new ReduceAttr(ax, keepDim), this);
    }

    /// <summary>Minimum over one axis.</summary>
    public Tensor Min(int axis, bool keepDim = false) => Min([axis], keepDim);

    /// <summary>I32 index of the first maximum along <paramref name="axis"/>.</summary>
    public Tensor ArgMax(int axis, bool keepDim = false)
    {
        Checks.Float("argmax", this);
        int a = Checks.Axis("argmax", axis, Rank);
        return ReduceRaw("argmax", ReduceOp.ArgMax, [a], keepDim, DType.I32);
    }

    /// <summary>I32 index of the first minimum along <paramref name="axis"/>.</summary>
    public Tensor ArgMin(int axis, bool keepDim = false)
    {
        Checks.Float("argmin", this);
        int a = Checks.Axis("argmin", axis, Rank);
        return ReduceRaw("argmin", ReduceOp.ArgMin, [a], keepDim, DType.I32);
    }

    /// <summary>log(sum(exp(x))) over <paramref name="axes"/>, shifted by the maximum so nothing overflows.</summary>
    public Tensor LogSumExp(int[]? axes = null, bool keepDim = false)
    {
        var ax = Checks.Axes("logsumexp", axes, Rank);
        Tensor shift;
        using (GradMode.Disable())
        {
            var max = Max(ax, keepDim: true);
            // An all -inf row would give inf - inf; shifting it by 0 leaves the correct -inf.
            shift = Where(max.Abs().Lt(double.PositiveInfinity), max, max.ZerosLike());
        }
        var result = (this - shift).Exp().Sum(ax, keepDim: true).Log() + shift;
        return keepDim ? result : result.Reshape(Enumerable.Range(0, Rank).Where(a => Array.IndexOf(ax, a) < 0).Select(a => Layout.Shape[a]).ToArray());
    }

    /// <summary>log-sum-exp over one axis.</summary>
    public Tensor LogSumExp(int axis, bool keepDim = false) => LogSumExp([axis], keepDim);

    /// <summary>Sums over the broadcast axes so the result has <paramref name="shape"/> (the inverse of Expand).</summary>
    public Tensor SumTo(int[] shape)
    {
        if (shape.AsSpan().SequenceEqual(Layout.Shape)) return this;
        int lead = Rank - shape.Length;
        if (lead < 0)
            throw new TensorShapeException("sum_to", $"cannot sum {Checks.S(Layout.Shape)} to the higher-rank shape {Checks.S(shape)}.");
        var axes = new List<int>();
        for (int i = 0; i < Rank; i++)
        {
            if (i < lead) { axes.Add(i); continue; }
            int want = shape[i - lead];
            if (want == Layout.Shape[i]) continue;
            if (want != 1)
                throw new TensorShapeException("sum_to", $"cannot sum {Checks.S(Layout.Shape)} to {Checks.S(shape)}: axis {i} has {Layout.Shape[i]} vs {want}.");
            axes.Add(i);
        }
        return Sum(axes.ToArray(), keepDim: true).Reshape(shape);
    }
}
