using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>Reductions over trailing axes, arg-reductions and (log-)softmax over the last axis.</summary>
public static class ReduceCases
{
    public static IEnumerable<ContractCase> All()
    {
        foreach (var t in new[] { DType.F32, DType.F64 })
        {
            yield return new($"reduce/{t}", (s, r, rng) => Reduce(s, r, rng, t));
            yield return new($"argreduce/{t}", (s, r, rng) => ArgReduce(s, r, rng, t));
            yield return new($"reduce-special/{t}", (s, r, rng) => ReduceSpecial(s, r, t));
            yield return new($"softmax/{t}", (s, r, rng) => Softmax(s, r, rng, t));
        }
    }

    private static void Reduce(Backend sut, Backend reference, Random rng, DType t)
    {
        foreach (var op in new[] { ReduceOp.Sum, ReduceOp.Max, ReduceOp.Min })
        {
            foreach (var kind in Enum.GetValues<ViewKind>())
                for (int trial = 0; trial < 3; trial++)
                {
                    var shape = Shapes.Random(rng, 1, 4);
                    int axes = rng.Next(0, shape.Length + 1);
                    Check(sut, reference, op, HostView.Make(rng, shape, kind, t, Shapes.Uniform(-3, 3)), axes);
                }
            // Long rows (every lane strides several times) and many short rows (several rows per group).
            Check(sut, reference, op, HostView.Make(rng, [3, 300], ViewKind.Narrowed, t, Shapes.Uniform(-3, 3)), 1);
            Check(sut, reference, op, HostView.Make(rng, [6, 7, 40], ViewKind.Strided, t, Shapes.Uniform(-3, 3)), 2);
            Check(sut, reference, op, HostView.Make(rng, [500, 3], ViewKind.Contiguous, t, Shapes.Uniform(-3, 3)), 1);
        }
    }

    private static void Check(Backend sut, Backend reference, ReduceOp op, HostView x, int axes)
    {
        int outer = Layout.ShapeCount(x.Layout.Shape.AsSpan(0, x.Layout.Rank - axes));
        bool arg = op is ReduceOp.ArgMax or ReduceOp.ArgMin;
        var y = Exec.Output(arg ? DType.I32 : x.DType, outer);
        Exec.Check($"reduce {op} over the last {axes} axes of {x}", sut, reference, [x], y, arg ? Tolerance.Exact : Tolerance.For(x.DType),
            (i, o, b) => b.Reduce(op, i[0], x.Layout, axes, o));
    }

    private static void ArgReduce(Backend sut, Backend reference, Random rng, DType t)
    {
        foreach (var op in new[] { ReduceOp.ArgMax, ReduceOp.ArgMin })
        {
            foreach (var kind in Enum.GetValues<ViewKind>())
                for (int trial = 0; trial < 3; trial++)
                    Check(sut, reference, op, HostView.Make(rng, Shapes.Random(rng, 1, 4), kind, t, Shapes.Levels(-2, -1, 0, 0.5, 1, 3)), 1);
            Check(sut, reference, op, HostView.Make(rng, [4, 257], ViewKind.Contiguous, t, Shapes.Levels(-2, -1, 0, 0.5, 1, 3)), 1);
            Check(sut, reference, op, HostView.Make(rng, [300, 5], ViewKind.Strided, t, Shapes.Levels(-2, -1, 0, 0.5, 1, 3)), 1);
        }
    }

    private static void ReduceSpecial(Backend sut, Backend reference, DType t)
    {
        double nan = double.NaN, inf = double.PositiveInfinity;
        double[][] rows =
        [
            [1, nan, 3, 2], [nan, 5, nan, -1], [inf, 1, -inf, 2], [-inf, -inf, -2, -inf], [3, 3, 1, 3], [-0.0, 0, -0.0, 0],
        ];
        var x = new HostView(t, rows.SelectMany(r => r).ToArray(), Layout.Contiguous([rows.Length, 4]), ViewKind.Contiguous);
        foreach (var op in Enum.GetValues<ReduceOp>()) Check(sut, reference, op, x, 1);
    }

    private static void Softmax(Backend sut, Backend reference, Random rng, DType t)
    {
        foreach (bool log in new[] { false, true })
        {
            foreach (var kind in Enum.GetValues<ViewKind>())
                for (int trial = 0; trial < 3; trial++)
                    Check(sut, reference, HostView.Make(rng, Shapes.Random(rng, 1, 4), kind, t, Shapes.Uniform(-4, 4)), log);
            Check(sut, reference, HostView.Make(rng, [5, 300], ViewKind.Narrowed, t, Shapes.Uniform(-4, 4)), log);
            Check(sut, reference, HostView.Make(rng, [400, 3], ViewKind.Contiguous, t, Shapes.Uniform(-4, 4)), log);
            // Large logits (the max shift matters) and masked entries (-inf).
            Check(sut, reference, HostView.Make(rng, [4, 9], ViewKind.Contiguous, t, Shapes.Levels(80, 85, 90, -3, double.NegativeInfinity)), log);
        }
    }

    private static void Check(Backend sut, Backend reference, HostView x, bool log)
    {
        Exec.Check($"{(log ? "log_softmax" : "softmax")} of {x}", sut, reference, [x], Exec.Output(x.DType, x.Layout.Count), Tolerance.For(x.DType),
            (i, o, b) => b.Softmax(i[0], x.Layout, log, o));
    }
}
