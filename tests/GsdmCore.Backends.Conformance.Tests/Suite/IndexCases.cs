using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>Index-select / index-add and gather / scatter-add on [outer, n, inner] blocks, with duplicate and bad indices.</summary>
public static class IndexCases
{
    private static readonly DType[] AllTypes = [DType.F32, DType.F64, DType.I32];

    public static IEnumerable<ContractCase> All()
    {
        foreach (var t in AllTypes)
        {
            yield return new($"index-select/{t}", (s, r, rng) => Run(s, r, rng, t, "index_select"));
            yield return new($"index-add/{t}", (s, r, rng) => Run(s, r, rng, t, "index_add"));
            yield return new($"gather/{t}", (s, r, rng) => Run(s, r, rng, t, "gather"));
            yield return new($"scatter-add/{t}", (s, r, rng) => Run(s, r, rng, t, "scatter_add"));
        }
        yield return new("index-errors", (s, r, rng) => Errors(s, r));
    }

    private static Func<Random, double> Values(DType t) => t == DType.I32 ? Shapes.Levels(-5, 0, 1, 2, 9, 100) : Shapes.Uniform(-2, 2);

    private static void Run(Backend sut, Backend reference, Random rng, string op, DType t, int outer, int n, int inner, int m)
    {
        bool perElement = op is "gather" or "scatter_add";
        int idxCount = perElement ? outer * m * inner : m;
        var idx = new HostView(DType.I32, Enumerable.Range(0, idxCount).Select(_ => (double)rng.Next(n)).ToArray(),
            Layout.Contiguous([idxCount]), ViewKind.Contiguous);
        var tol = op is "index_add" or "scatter_add" ? Tolerance.For(t) : Tolerance.Exact;
        string what = $"{op} outer {outer} n {n} inner {inner} m {m} {t}";
        switch (op)
        {
            case "index_select":
            case "gather":
            {
                var src = HostView.Make(rng, [outer * n * inner], ViewKind.Contiguous, t, Values(t));
                Exec.Check(what, sut, reference, [src, idx], Exec.Output(t, outer * m * inner), tol, (i, o, b) =>
                {
                    if (op == "gather") b.Gather(i[0], outer, n, inner, i[1], m, o);
                    else b.IndexSelect(i[0], outer, n, inner, i[1], m, o);
                });
                break;
            }
            default:
            {
                var src = HostView.Make(rng, [outer * m * inner], ViewKind.Contiguous, t, Values(t));
                var dst = HostView.Make(rng, [outer * n * inner], ViewKind.Contiguous, t, Values(t));
                Exec.Check(what, sut, reference, [src, idx], dst, tol, (i, o, b) =>
                {
                    if (op == "scatter_add") b.ScatterAdd(o, outer, n, inner, i[1], m, i[0]);
                    else b.IndexAdd(o, outer, n, inner, i[1], m, i[0]);
                });
                break;
            }
        }
    }

    private static void Run(Backend sut, Backend reference, Random rng, DType t, string op)
    {
        for (int trial = 0; trial < 8; trial++)
            Run(sut, reference, rng, op, t, rng.Next(1, 4), rng.Next(1, 6), rng.Next(1, 5), rng.Next(1, 9));
        Run(sut, reference, rng, op, t, 2, 3, 1, 40);   // many duplicates into few rows
        Run(sut, reference, rng, op, t, 3, 50, 33, 20); // several thread groups
    }

    /// <summary>Out-of-range indices raise the same TensorIndexException (first bad position) and leave the output untouched.</summary>
    private static void Errors(Backend sut, Backend reference)
    {
        foreach (var op in new[] { "index_select", "index_add", "gather", "scatter_add" })
            foreach (var bad in new[] { -1, 4, int.MinValue })
            {
                int outer = 2, n = 4, inner = 3, m = 5;
                bool perElement = op is "gather" or "scatter_add";
                int idxCount = perElement ? outer * m * inner : m;
                var values = Enumerable.Range(0, idxCount).Select(i => (double)(i % n)).ToArray();
                values[idxCount - 2] = bad;
                values[idxCount - 1] = n + 7;
                var idx = new HostView(DType.I32, values, Layout.Contiguous([idxCount]), ViewKind.Contiguous);
                var src = new HostView(DType.F32, Enumerable.Range(0, outer * Math.Max(n, m) * inner).Select(i => (double)i).ToArray(),
                    Layout.Contiguous([outer * Math.Max(n, m) * inner]), ViewKind.Contiguous);
                var dst = new HostView(DType.F32, Enumerable.Repeat(5.0, outer * Math.Max(n, m) * inner).ToArray(),
                    Layout.Contiguous([outer * Math.Max(n, m) * inner]), ViewKind.Contiguous);
                BackendOp run = (i, o, b) =>
                {
                    switch (op)
                    {
                        case "index_select": b.IndexSelect(i[0], outer, n, inner, i[1], m, o); break;
                        case "index_add": b.IndexAdd(o, outer, n, inner, i[1], m, i[0]); break;
                        case "gather": b.Gather(i[0], outer, n, inner, i[1], m, o); break;
                        default: b.ScatterAdd(o, outer, n, inner, i[1], m, i[0]); break;
                    }
                };
                if (Compare.SameOutcome($"{op} with index {bad}", () => Exec.Run(sut, [src, idx], dst, run), () => Exec.Run(reference, [src, idx], dst, run)))
                    throw new ConformanceException($"{op} with index {bad}: expected a TensorIndexException from both backends, neither raised one.");
                // The failed call must not have written anything.
                var ins = new[] { src.Upload(sut), idx.Upload(sut) };
                using var o = dst.Upload(sut);
                try { run(ins, o, sut); } catch (TensorIndexException) { }
                Compare.Close($"{op} output after a rejected index on {sut.Name}", Compare.ReadAll(sut, o, dst.Storage.Length), dst.Storage, Tolerance.Exact);
                foreach (var b in ins) b.Dispose();
            }
    }
}
