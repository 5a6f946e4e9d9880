using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>Upload / Download, Copy (with dtype conversion), Fill, Arange and Random.</summary>
public static class MemoryCases
{
    private static readonly DType[] AllTypes = [DType.F32, DType.F64, DType.I32];
    private static readonly ViewKind[] WritableKinds = [ViewKind.Contiguous, ViewKind.Strided, ViewKind.Narrowed];

    public static IEnumerable<ContractCase> All()
    {
        foreach (var t in AllTypes)
        {
            yield return new($"upload-download/{t}", (s, r, rng) => UploadDownload(s, r, rng, t));
            yield return new($"copy/from-{t}", (s, r, rng) => Copy(s, r, rng, t));
            yield return new($"fill/{t}", (s, r, rng) => Fill(s, r, rng, t));
            yield return new($"arange/{t}", (s, r, rng) => Arange(s, r, t));
        }
        foreach (var t in new[] { DType.F32, DType.F64 })
            yield return new($"random/{t}", (s, r, rng) => Random(s, r, t));
    }

    private static Func<Random, double> Values(DType t) => t == DType.I32 ? Shapes.Levels(-7, -1, 0, 3, 12, 1 << 20) : Shapes.Uniform(-3, 3);

    private static void UploadDownload(Backend sut, Backend reference, Random rng, DType t)
    {
        foreach (var kind in Enum.GetValues<ViewKind>())
        {
            var view = HostView.Make(rng, Shapes.Random(rng, 0, 4), kind, t, Values(t));
            var want = ScalarBackend.Offsets(view.Layout).Select(i => view.Storage[i]).ToArray();
            using var buffer = view.Upload(sut);
            Compare.Close($"download of {view} from {sut.Name}", Compare.Read(sut, buffer, view.Layout), want, Tolerance.Exact);
            // Download converting to double (the facade's Item() / ToArray<double>() path).
            var asDouble = new double[view.Layout.Count];
            sut.Download<double>(buffer, view.Layout, asDouble);
            Compare.Close($"download as double of {view} from {sut.Name}", asDouble, want, Tolerance.Exact);
        }
    }

    private static void Copy(Backend sut, Backend reference, Random rng, DType from)
    {
        foreach (var to in AllTypes)
            foreach (var srcKind in Enum.GetValues<ViewKind>())
                foreach (var dstKind in WritableKinds)
                {
                    var shape = Shapes.Random(rng, 0, 4);
                    Func<Random, double> values = from == DType.I32 ? Values(from)
                        : to == DType.I32 ? Shapes.Levels(-2.75, -0.5, 0, 0.5, 1.999, 7.25, 3e9, -3e9, double.NaN)
                        : Shapes.Uniform(-3, 3);
                    var src = HostView.Make(rng, shape, srcKind, from, values);
                    var dst = HostView.Make(rng, shape, dstKind, to, Values(to));
                    Exec.Check($"copy {src} -> {dst}", sut, reference, [src], dst, Tolerance.Exact,
                        (i, o, b) => b.Copy(i[0], src.Layout, o, dst.Layout));
                }
    }

    private static void Fill(Backend sut, Backend reference, Random rng, DType t)
    {
        double[] values = t == DType.I32 ? [0, -3, 2.7, 1e6] : [0, -0.0, 1.5, -2.25e-3, double.NaN, double.NegativeInfinity];
        foreach (var value in values)
            foreach (var kind in WritableKinds)
            {
                var dst = HostView.Make(rng, Shapes.Random(rng, 0, 4), kind, t, Values(t));
                Exec.Check($"fill {value} into {dst}", sut, reference, [], dst, Tolerance.Exact,
                    (_, o, b) => b.Fill(o, dst.Layout, value));
            }
    }

    private static void Arange(Backend sut, Backend reference, DType t)
    {
        foreach (var (count, start, step) in new[] { (7, 0.0, 1.0), (13, -2.5, 0.75), (5, 10.0, -3.0), (1000, 0.1, 0.001), (1, 4.0, 9.0) })
        {
            var y = Exec.Output(t, count);
            Exec.Check($"arange({count}, {start}, {step}) {t}", sut, reference, [], y, Tolerance.Exact,
                (_, o, b) => b.Arange(o, count, start, step));
        }
    }

    private static void Random(Backend sut, Backend reference, DType t)
    {
        foreach (var kind in new[] { RandomKind.Uniform, RandomKind.Normal })
            foreach (var seed in new ulong[] { 0, 42, (1UL << 40) + 7 })
                foreach (var (count, offset) in new[] { (1, 0UL), (7, 1UL), (9, 3UL), (1000, 1000003UL), (33, (1UL << 33) + 5) })
                {
                    var y = Exec.Output(t, count);
                    var tol = kind == RandomKind.Uniform ? Tolerance.Exact : Tolerance.Normal(t);
                    Exec.Check($"random {kind} seed {seed} offset {offset} count {count} {t}", sut, reference, [], y, tol,
                        (_, o, b) => b.Random(kind, o, count, seed, offset));
                }
    }
}
