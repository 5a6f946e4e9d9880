using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>Unary, Clamp, Binary and Where on every view kind, their special values, and the float-only errors.</summary>
public static class ElementwiseCases
{
    private static readonly double[] Specials =
        [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0, -0.0, 1, -1, 1e-3, -1e-3, 50, -50, 100, -100];

    public static IEnumerable<ContractCase> All()
    {
        foreach (var t in new[] { DType.F32, DType.F64 })
        {
            yield return new($"unary/{t}", (s, r, rng) => Unary(s, r, rng, t));
            yield return new($"unary-special/{t}", (s, r, rng) => UnarySpecial(s, r, t));
            yield return new($"clamp/{t}", (s, r, rng) => Clamp(s, r, rng, t));
            yield return new($"binary/{t}", (s, r, rng) => Binary(s, r, rng, t));
            yield return new($"binary-special/{t}", (s, r, rng) => BinarySpecial(s, r, t));
            yield return new($"where/{t}", (s, r, rng) => Where(s, r, rng, t));
        }
        yield return new("float-only-errors/I32", (s, r, rng) => FloatOnlyErrors(s, r));
    }

    private static Func<Random, double> Domain(UnaryOp op) => op switch
    {
        UnaryOp.Log or UnaryOp.Sqrt or UnaryOp.Rsqrt => Shapes.Uniform(0.05, 4),
        UnaryOp.Sign or UnaryOp.Relu => Shapes.Levels(-1.5, -0.25, 0, 0.25, 2),
        _ => Shapes.Uniform(-3, 3),
    };

    private static void Unary(Backend sut, Backend reference, Random rng, DType t)
    {
        foreach (var op in Enum.GetValues<UnaryOp>())
            foreach (var kind in Enum.GetValues<ViewKind>())
            {
                var x = HostView.Make(rng, Shapes.Random(rng, 1, 4), kind, t, Domain(op));
                Exec.Check($"unary {op} of {x}", sut, reference, [x], Exec.Output(t, x.Layout.Count), Tolerance.For(t),
                    (i, o, b) => b.Unary(op, i[0], x.Layout, o));
            }
        // One longer contiguous run (several groups of threads).
        var big = HostView.Make(rng, [37, 45], ViewKind.Contiguous, t, Shapes.Uniform(-3, 3));
        Exec.Check($"unary Tanh of {big}", sut, reference, [big], Exec.Output(t, big.Layout.Count), Tolerance.For(t),
            (i, o, b) => b.Unary(UnaryOp.Tanh, i[0], big.Layout, o));
    }

    private static void UnarySpecial(Backend sut, Backend reference, DType t)
    {
        var x = new HostView(t, Specials.Select(v => ScalarBackend.Round(t, v)).ToArray(), Layout.Contiguous([Specials.Length]), ViewKind.Contiguous);
        foreach (var op in Enum.GetValues<UnaryOp>())
            Exec.Check($"unary {op} of special values {t}", sut, reference, [x], Exec.Output(t, Specials.Length), Tolerance.For(t),
                (i, o, b) => b.Unary(op, i[0], x.Layout, o));
    }

    private static void Clamp(Backend sut, Backend reference, Random rng, DType t)
    {
        foreach (var kind in Enum.GetValues<ViewKind>())
        {
            var x = HostView.Make(rng, Shapes.Random(rng, 1, 4), kind, t, Shapes.Levels(-2, -0.5, 0.25, 1, 3, double.NaN));
            double lo = -1 + rng.NextDouble(), hi = lo + 2 * rng.NextDouble();
            Exec.Check($"clamp [{lo}, {hi}] of {x}", sut, reference, [x], Exec.Output(t, x.Layout.Count), Tolerance.For(t),
                (i, o, b) => b.Clamp(i[0], x.Layout, lo, hi, o));
        }
    }

    private static (Func<Random, double> A, Func<Random, double> B) Domains(BinaryOp op) => op switch
    {
        BinaryOp.Pow => (Shapes.Uniform(0.1, 2.5), Shapes.Uniform(-2, 2)),
        BinaryOp.Div => (Shapes.Uniform(-3, 3), r => (r.Next(2) == 0 ? -1 : 1) * (0.5 + 2 * r.NextDouble())),
        BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul => (Shapes.Uniform(-3, 3), Shapes.Uniform(-3, 3)),
        _ => (Shapes.Levels(-1, -0.5, 0, 0.5, 1), Shapes.Levels(-1, -0.5, 0, 0.5, 1)),
    };

    private static void Binary(Backend sut, Backend reference, Random rng, DType t)
    {
        foreach (var op in Enum.GetValues<BinaryOp>())
        {
            var (da, db) = Domains(op);
            foreach (var ka in Enum.GetValues<ViewKind>())
                foreach (var kb in Enum.GetValues<ViewKind>())
                {
                    var shape = Shapes.Random(rng, 1, 4);
                    var a = HostView.Make(rng, shape, ka, t, da);
                    var b = HostView.Make(rng, shape, kb, t, db);
                    Exec.Check($"binary {op} of {a} and {b}", sut, reference, [a, b], Exec.Output(t, a.Layout.Count), Tolerance.For(t),
                        (i, o, be) => be.Binary(op, i[0], a.Layout, i[1], b.Layout, o));
                }
        }
    }

    private static void BinarySpecial(Backend sut, Backend reference, DType t)
    {
        // Every pair of special values; Pow is left out (its IEEE special cases are the C library's business).
        double[] specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0, -0.0, 1, -1, 2.5];
        var pairs = specials.SelectMany(p => specials.Select(q => (p, q))).ToArray();
        var a = new HostView(t, pairs.Select(p => p.p).ToArray(), Layout.Contiguous([pairs.Length]), ViewKind.Contiguous);
        var b = new HostView(t, pairs.Select(p => p.q).ToArray(), Layout.Contiguous([pairs.Length]), ViewKind.Contiguous);
        foreach (var op in Enum.GetValues<BinaryOp>().Where(o => o != BinaryOp.Pow))
            Exec.Check($"binary {op} of special values {t}", sut, reference, [a, b], Exec.Output(t, pairs.Length), Tolerance.For(t),
                (i, o, be) => be.Binary(op, i[0], a.Layout, i[1], b.Layout, o));
    }

    private static void Where(Backend sut, Backend reference, Random rng, DType t)
    {
        var kinds = Enum.GetValues<ViewKind>();
        for (int trial = 0; trial < 16; trial++)
        {
            var shape = Shapes.Random(rng, 1, 4);
            var c = HostView.Make(rng, shape, kinds[trial % 4], t, Shapes.Levels(0, 1, 0, -2, double.NaN));
            var a = HostView.Make(rng, shape, kinds[trial / 4], t, Shapes.Uniform(-3, 3));
            var b = HostView.Make(rng, shape, kinds[rng.Next(4)], t, Shapes.Uniform(-3, 3));
            Exec.Check($"where {c} ? {a} : {b}", sut, reference, [c, a, b], Exec.Output(t, a.Layout.Count), Tolerance.Exact,
                (i, o, be) => be.Where(i[0], c.Layout, i[1], a.Layout, i[2], b.Layout, o));
        }
    }

    private static void FloatOnlyErrors(Backend sut, Backend reference)
    {
        var l = Layout.Contiguous([2, 3]);
        var x = new HostView(DType.I32, [1, 2, 3, 4, 5, 6], l, ViewKind.Contiguous);
        var dims = new MatmulDims(1, 2, 2, 3, false, true, 0, 0, 3, 0, 0, 3, 0, 0, 2);
        var ops = new (string, BackendOp)[]
        {
            ("unary", (i, o, b) => b.Unary(UnaryOp.Exp, i[0], l, o)),
            ("clamp", (i, o, b) => b.Clamp(i[0], l, 0, 1, o)),
            ("binary", (i, o, b) => b.Binary(BinaryOp.Add, i[0], l, i[0], l, o)),
            ("where", (i, o, b) => b.Where(i[0], l, i[0], l, i[0], l, o)),
            ("reduce", (i, o, b) => b.Reduce(ReduceOp.Sum, i[0], l, 1, o)),
            ("softmax", (i, o, b) => b.Softmax(i[0], l, true, o)),
            ("matmul", (i, o, b) => b.Matmul(i[0], i[0], o, dims)),
            ("random", (i, o, b) => b.Random(RandomKind.Normal, o, 6, 1, 0)),
        };
        foreach (var (name, op) in ops)
            if (Compare.SameOutcome($"{name} on I32", () => Exec.Run(sut, [x], Exec.Output(DType.I32, 6), op),
                    () => Exec.Run(reference, [x], Exec.Output(DType.I32, 6), op)))
                throw new ConformanceException($"{name} on I32: expected a TensorDTypeException from both backends, neither raised one.");
    }
}
