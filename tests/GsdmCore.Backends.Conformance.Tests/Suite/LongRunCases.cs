using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>
/// Whole tensors long enough that the CPU backend splits them over its threads: contiguous elementwise ops, copies
/// and fills in segments, column sums in narrow blocks, and the optimiser updates of many parameters in one call.
/// </summary>
public static class LongRunCases
{
    /// <summary>Three segments of the CPU's elementwise split, the last one partial.</summary>
    private const int Long = 70001;

    public static IEnumerable<ContractCase> All()
    {
        foreach (var t in new[] { DType.F32, DType.F64 })
        {
            yield return new($"long-elementwise/{t}", (s, r, rng) => Elementwise(s, r, rng, t));
            yield return new($"long-where/{t}", (s, r, rng) => Where(s, r, rng, t));
            yield return new($"long-copy-fill/{t}", (s, r, rng) => CopyFill(s, r, rng, t));
            yield return new($"column-sum/{t}", (s, r, rng) => ColumnSums(s, r, rng, t));
            yield return new($"adam-many/{t}", (s, r, rng) => AdamMany(s, r, rng, t));
            yield return new($"moving-average-many/{t}", (s, r, rng) => MovingAverageMany(s, r, rng, t));
        }
    }

    private static HostView Run(Random rng, DType t, int count, Func<Random, double> value) =>
        HostView.Make(rng, [count], ViewKind.Contiguous, t, value);

    /// <summary>A one-element buffer read as <paramref name="count"/> elements with stride 0.</summary>
    private static HostView Scalar(DType t, double value, int count) =>
        new(t, [value], new Layout([count], [0], 0), ViewKind.Contiguous);

    private static void Elementwise(Backend sut, Backend reference, Random rng, DType t)
    {
        var a = Run(rng, t, Long, Shapes.Uniform(-3, 3));
        var b = Run(rng, t, Long, Shapes.Uniform(0.5, 3));
        var s = Scalar(t, 1.75, Long);
        foreach (var op in new[] { UnaryOp.Exp, UnaryOp.Silu, UnaryOp.Neg })
            Exec.Check($"unary {op} of {a}", sut, reference, [a], Exec.Output(t, Long), Tolerance.For(t),
                (i, o, be) => be.Unary(op, i[0], a.Layout, o));
        foreach (var op in new[] { BinaryOp.Add, BinaryOp.Mul, BinaryOp.Div })
        {
            Exec.Check($"binary {op} of two runs of {Long}", sut, reference, [a, b], Exec.Output(t, Long), Tolerance.For(t),
                (i, o, be) => be.Binary(op, i[0], a.Layout, i[1], b.Layout, o));
            Exec.Check($"binary {op} of a run and a broadcast scalar", sut, reference, [a, s], Exec.Output(t, Long), Tolerance.For(t),
                (i, o, be) => be.Binary(op, i[0], a.Layout, i[1], s.Layout, o));
            Exec.Check($"binary {op} of a broadcast scalar and a run", sut, reference, [s, b], Exec.Output(t, Long), Tolerance.For(t),
                (i, o, be) => be.Binary(op, i[0], s.Layout, i[1], b.Layout, o));
        }
        // A view merged into one long row that is not a plain contiguous run: every other element of a longer buffer.
        var strided = HostView.Make(rng, [Long], ViewKind.Strided, t, Shapes.Uniform(-3, 3));
        Exec.Check($"binary Sub of {strided} and {a}", sut, reference, [strided, a], Exec.Output(t, Long), Tolerance.For(t),
            (i, o, be) => be.Binary(BinaryOp.Sub, i[0], strided.Layout, i[1], a.Layout, o));
    }

    private static void Where(Backend sut, Backend reference, Random rng, DType t)
    {
        // Zeros of both signs count as false, NaN as true, in the vector loop as in the scalar tail.
        var c = Run(rng, t, Long + 5, Shapes.Levels(0, -0.0, 1, double.NaN, -2));
        var a = Run(rng, t, Long + 5, Shapes.Uniform(-3, 3));
        var b = Run(rng, t, Long + 5, Shapes.Uniform(-3, 3));
        Exec.Check($"where {c} ? {a} : {b}", sut, reference, [c, a, b], Exec.Output(t, Long + 5), Tolerance.Exact,
            (i, o, be) => be.Where(i[0], c.Layout, i[1], a.Layout, i[2], b.Layout, o));
        var s = Scalar(t, 0.5, Long + 5);
        Exec.Check($"where {c} ? {a} : a broadcast scalar", sut, reference, [c, a, s], Exec.Output(t, Long + 5), Tolerance.Exact,
            (i, o, be) => be.Where(i[0], c.Layout, i[1], a.Layout, i[2], s.Layout, o));
    }

    private static void CopyFill(Backend sut, Backend reference, Random rng, DType t)
    {
        var x = Run(rng, t, Long, Shapes.Uniform(-3, 3));
        var into = new Layout([Long], [1], 2);
        Exec.Check($"copy of {x} to offset 2", sut, reference, [x], Exec.Output(t, Long + 2), Tolerance.Exact,
            (i, o, be) => be.Copy(i[0], x.Layout, o, into));
        Exec.Check($"fill of {Long} elements from offset 2", sut, reference, [], Exec.Output(t, Long + 2), Tolerance.Exact,
            (i, o, be) => be.Fill(o, into, -1.25));
    }

    private static void ColumnSums(Backend sut, Backend reference, Random rng, DType t)
    {
        // [rows, columns] summed over the rows, as a bias gradient is: the kept axis is the unit-stride one.
        foreach (var (rows, columns) in new[] { (700, 128), (300, 9), (41, 200), (5, 1000) })
        {
            var x = HostView.Make(rng, [rows, columns], ViewKind.Contiguous, t, Shapes.Uniform(-3, 3));
            var columnsFirst = new Layout([columns, rows], [1, columns], 0);
            Exec.Check($"sum over the rows of {x}", sut, reference, [x], Exec.Output(t, columns), Tolerance.For(t),
                (i, o, be) => be.Reduce(ReduceOp.Sum, i[0], columnsFirst, 1, o));
        }
        // [batch, rows, columns] summed over the rows per batch entry.
        var y = HostView.Make(rng, [3, 90, 64], ViewKind.Contiguous, t, Shapes.Uniform(-3, 3));
        var kept = new Layout([3, 64, 90], [90 * 64, 1, 64], 0);
        Exec.Check($"sum over the middle axis of {y}", sut, reference, [y], Exec.Output(t, 3 * 64), Tolerance.For(t),
            (i, o, be) => be.Reduce(ReduceOp.Sum, i[0], kept, 1, o));
    }

    /// <summary>Parameter sizes of one multi-target call: one-chunk, several-chunk (the last partial) and tiny ones.</summary>
    private static readonly int[] Sizes = [7, 40000, 333, 1, 16384, 20011];

    private static void AdamMany(Backend sut, Backend reference, Random rng, DType t)
    {
        // Every parameter, gradient and moment lies in one buffer each, at its own offset, with a gap between them.
        var (offsets, total) = Packed(Sizes);
        var grads = Run(rng, t, total, Shapes.Uniform(-1, 1));
        var param = Run(rng, t, total + Exec.Guard, Shapes.Uniform(-1, 1));
        var m = Run(rng, t, total + Exec.Guard, Shapes.Uniform(-0.1, 0.1));
        var v = Run(rng, t, total + Exec.Guard, Shapes.Uniform(0, 0.01));
        FusedExec.Check($"adam over {Sizes.Length} parameters {t}", sut, reference, [grads], [param, m, v], Tolerance.For(t), (i, o, be) =>
        {
            for (int step = 1; step <= 2; step++)
            {
                var c = new AdamCoefficients(0.9, 0.999, 1e-8, 1e-2 / (1 - Math.Pow(0.9, step)), 1 / Math.Sqrt(1 - Math.Pow(0.999, step)), 0, 1e-4);
                // The moments of each parameter start at element 0 of their own buffer: give each one a view buffer.
                var targets = Sizes.Select((n, k) => new AdamTarget(o[0], offsets[k], i[0], offsets[k], Slice(be, o[1], offsets[k], n), Slice(be, o[2], offsets[k], n), n)).ToArray();
                be.AdamSteps(c, targets);
                foreach (var target in targets)
                {
                    CopyBack(be, target.M, o[1], target.ParamOffset, target.Count);
                    CopyBack(be, target.V, o[2], target.ParamOffset, target.Count);
                    target.M.Dispose();
                    target.V.Dispose();
                }
            }
        });
    }

    private static void MovingAverageMany(Backend sut, Backend reference, Random rng, DType t)
    {
        var (offsets, total) = Packed(Sizes);
        var values = Run(rng, t, total, Shapes.Uniform(-1, 1));
        var shadows = Run(rng, t, total + Exec.Guard, Shapes.Uniform(-1, 1));
        FusedExec.Check($"moving average over {Sizes.Length} tensors {t}", sut, reference, [values], [shadows], Tolerance.For(t), (i, o, be) =>
        {
            for (int step = 0; step < 2; step++)
            {
                var targets = Sizes.Select((n, k) => new MovingAverageTarget(Slice(be, o[0], offsets[k], n), i[0], offsets[k], n)).ToArray();
                be.MovingAverageSteps(targets, 0.95);
                foreach (var target in targets)
                {
                    CopyBack(be, target.Shadow, o[0], target.ValueOffset, target.Count);
                    target.Shadow.Dispose();
                }
            }
        });
    }

    /// <summary>Start offsets of consecutive ranges of <paramref name="sizes"/> with a gap of 3 before each, and the total length.</summary>
    private static (int[] Offsets, int Total) Packed(int[] sizes)
    {
        var offsets = new int[sizes.Length];
        int at = 0;
        for (int k = 0; k < sizes.Length; k++)
        {
            offsets[k] = at + 3;
            at = offsets[k] + sizes[k];
        }
        return (offsets, at);
    }

    /// <summary>A new buffer holding elements [offset, offset + count) of <paramref name="source"/>.</summary>
    private static IBuffer Slice(Backend be, IBuffer source, int offset, int count)
    {
        var slice = be.Allocate(count, source.DType);
        be.Copy(source, new Layout([count], [1], offset), slice, Layout.Contiguous([count]));
        return slice;
    }

    /// <summary>Writes <paramref name="slice"/> back over elements [offset, offset + count) of <paramref name="target"/>.</summary>
    private static void CopyBack(Backend be, IBuffer slice, IBuffer target, int offset, int count) =>
        be.Copy(slice, Layout.Contiguous([count]), target, new Layout([count], [1], offset));
}
