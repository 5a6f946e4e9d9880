using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>
/// Dense attention forward + backward: each case runs the forward and then the backward on one backend (the backward
/// reads that backend's saved probabilities) and compares the output, the probabilities and every gradient with the
/// reference: F32 atol = rtol = 1e-4, F64 atol = rtol = 1e-10. Head-major and node-major inputs with offsets, odd node
/// counts and head dims (below, at and past a vector), gradient targets left out, the forward without kept probabilities.
/// </summary>
public static class DenseAttentionCases
{
    public static IEnumerable<ContractCase> All()
    {
        foreach (var t in new[] { DType.F32, DType.F64 })
            yield return new($"dense-attention/{t}", (s, r, rng) => Attention(s, r, rng, t));
    }

    private static void Attention(Backend sut, Backend reference, Random rng, DType t)
    {
        var shapes = new List<(int B, int H, int N, int D)>
        {
            (1, 1, 1, 3), (2, 3, 7, 16), (1, 2, 7, 20), (2, 1, 81, 16), (1, 2, 81, 3), (1, 1, 33, 8),
        };
        for (int i = 0; i < 4; i++) shapes.Add((rng.Next(1, 3), rng.Next(1, 4), rng.Next(1, 20), rng.Next(1, 21)));
        int trial = 0;
        foreach (var (b, h, n, d) in shapes)
        {
            bool nodeMajor = trial % 2 == 1;
            var (needDq, needDk, needDv) = (trial % 4 != 3, trial % 5 != 4, trial % 6 != 5);
            bool keepProbs = trial % 7 != 6;
            trial++;
            Run(sut, reference, rng, t, b, h, n, d, nodeMajor, needDq, needDk, needDv, keepProbs, scale: 0.3 + rng.NextDouble());
        }
    }

    private static void Run(Backend sut, Backend reference, Random rng, DType t, int b, int h, int n, int d,
        bool nodeMajor, bool needDq, bool needDk, bool needDv, bool keepProbs, double scale)
    {
        int count = b * h * n * d;
        Layout HeadLayout(int offset) => nodeMajor
            ? new Layout([b, h, n, d], [n * h * d, d, h * d, 1], offset)
            : new Layout([b, h, n, d], [h * n * d, n * d, d, 1], offset);
        var offsets = Enumerable.Range(0, 4).Select(_ => rng.Next(0, 3)).ToArray();
        // Values in [-2, 2): logits up to |scale| * 4 * Dh, so the softmax rows range from flat to nearly one-hot.
        var views = offsets.Select(o => new HostView(t, Enumerable.Range(0, count + o).Select(_ => ScalarBackend.Round(t, rng.NextDouble() * 4 - 2)).ToArray(),
            HeadLayout(o), nodeMajor ? ViewKind.Strided : ViewKind.Contiguous)).ToList();
        var dims = new DenseAttentionDims(b, h, n, d, scale);
        var outLayout = new Layout([b, h, n, d], [n * h * d, d, h * d, 1], 0); // node-major, as the layer allocates
        var gradLayout = nodeMajor ? outLayout : Layout.Contiguous([b, h, n, d]);
        string what = $"dense_attention B {b} H {h} N {n} Dh {d} {(nodeMajor ? "node-major" : "head-major")} dq {needDq} dk {needDk} dv {needDv} probs {keepProbs} {t}";
        var outputs = new[] { Exec.Output(t, count), Exec.Output(t, b * h * n * n), Exec.Output(t, count), Exec.Output(t, count), Exec.Output(t, count) };
        FusedExec.Check(what, sut, reference, views, outputs, Tolerance.For(t), (i, o, be) =>
        {
            be.DenseAttentionForward(dims, i[0], views[0].Layout, i[1], views[1].Layout, i[2], views[2].Layout, o[0], outLayout,
                keepProbs ? o[1] : null);
            if (!keepProbs) return; // the forward alone, without probabilities to keep
            be.DenseAttentionBackward(dims, i[0], views[0].Layout, i[1], views[1].Layout, i[2], views[2].Layout, i[3], views[3].Layout, o[1],
                needDq ? o[2] : null, gradLayout, needDk ? o[3] : null, gradLayout, needDv ? o[4] : null, gradLayout);
        });
    }
}
