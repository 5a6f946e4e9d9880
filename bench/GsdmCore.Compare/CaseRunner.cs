using System.Globalization;
using GsdmCore.Diffusion;

namespace GsdmCore.Compare;

/// <summary>Runs one case: builds both engines on the same weights, checks they agree, times them interleaved, measures peaks.</summary>
internal static class CaseRunner
{
    /// <summary>Largest single gathered key tensor (bytes) the sparse-gather variant may build; beyond it that variant is skipped.</summary>
    private const double GatherLimitBytes = 512.0 * 1024 * 1024;

    public static void Run(BenchCase c, CompareOptions o)
    {
        var (problem, diffusion, train, sample) = CaseSetup.For(c);
        var graph = problem.Graph;
        using var gsdm = new GsdmEngine(graph, c.Model, diffusion, train, sample, GsdmCore.Device.Parse(o.Device));

        var torchEngines = new List<TorchEngine>();
        foreach (var variant in new[] { TorchAttentionVariant.SparseGather, TorchAttentionVariant.DenseMasked })
        {
            var engine = new TorchEngine(graph, c.Model, variant, train, sample);
            var g = engine.Model.Graph;
            double gatherBytes = 4.0 * c.TrainBatch * c.Model.EmbeddingDim * g.Nodes * g.MaxKeys;
            if (variant == TorchAttentionVariant.SparseGather && gatherBytes > GatherLimitBytes)
            {
                Console.WriteLine($"note case={c.Name} sparse-gather skipped: one gathered key tensor would be {gatherBytes / 1048576:F0} MiB");
                engine.Dispose();
                continue;
            }
            torchEngines.Add(engine);
        }
        try
        {
            Check(c, gsdm, torchEngines, graph);
            var (train_ms, sample_ms) = Time(gsdm, torchEngines, o);
            int bestTrain = ArgMin(train_ms.Skip(1)), bestSample = ArgMin(sample_ms.Skip(1));
            string trainVariant = TorchAttention.Label(torchEngines[bestTrain].Model.Variant);
            string sampleVariant = TorchAttention.Label(torchEngines[bestSample].Model.Variant);
            foreach (var (e, i) in torchEngines.Select((e, i) => (e, i)))
                Console.WriteLine(Inv($"detail case={c.Name} engine={e.Name} train_ms={train_ms[i + 1]:F2} sample_ms={sample_ms[i + 1]:F2}"));
            double gPeak = double.NaN, tPeak = double.NaN;
            if (!o.SkipPeak)
            {
                gPeak = PeakMemory.MeasureInChild("gsdm", c.Name, null, o);
                tPeak = PeakMemory.MeasureInChild("torch", c.Name, trainVariant, o);
            }
            double gt = train_ms[0], tt = train_ms[bestTrain + 1], gs = sample_ms[0], ts = sample_ms[bestSample + 1];
            var line = Inv($"case={c.Name} gsdm_train_ms={gt:F2} torch_train_ms={tt:F2} train_ratio={gt / tt:F3} gsdm_sample_ms={gs:F2} torch_sample_ms={ts:F2} sample_ratio={gs / ts:F3} gsdm_peak_mb={gPeak:F0} torch_peak_mb={tPeak:F0} torch_variant={trainVariant}");
            if (sampleVariant != trainVariant) line += $" torch_sample_variant={sampleVariant}";
            Console.WriteLine(line);
        }
        finally
        {
            foreach (var e in torchEngines) e.Dispose();
        }
    }

    /// <summary>Same parameter count (asserted), same weights, same forward, same first loss, same forward after one step.</summary>
    private static void Check(BenchCase c, GsdmEngine gsdm, List<TorchEngine> torchEngines, CompiledGraph graph)
    {
        foreach (var t in torchEngines)
        {
            if (t.ParameterCount != gsdm.ParameterCount)
                throw new InvalidOperationException($"case {c.Name}: parameter counts differ: gsdm {gsdm.ParameterCount}, {t.Name} {t.ParameterCount}.");
            t.Model.Parameters.CopyFrom(gsdm.Model.NamedParameters());
            t.ResetShadow();
        }
        var g = torchEngines[0].Model.Graph;
        long gsdmPairs = c.Dense ? (long)g.Nodes * g.Nodes : graph.Attention.EdgeCount;
        Console.WriteLine(Inv($"params case={c.Name} gsdm={gsdm.ParameterCount} torch={torchEngines[0].ParameterCount} nodes={g.Nodes} width={g.Width} max_keys={g.MaxKeys} fwd_gflop_train_linear={Flops.Linear(graph, c.Model, c.TrainBatch) / 1e9:F3} attn_gsdm={Flops.Attention(c.Model, c.TrainBatch, gsdmPairs) / 1e9:F3} attn_gather={Flops.Attention(c.Model, c.TrainBatch, (long)g.Nodes * g.MaxKeys) / 1e9:F3} attn_dense_masked={Flops.Attention(c.Model, c.TrainBatch, (long)g.Nodes * g.Nodes) / 1e9:F3}"));

        var reference = gsdm.SampleStep(copyOut: true)!;
        var forward = torchEngines.Select(t => MaxAbsDiff(reference, t.SampleStep(copyOut: true)!)).ToArray();
        double gLoss = gsdm.TrainStep();
        var tLoss = torchEngines.Select(t => t.TrainStep()).ToArray();
        var after = gsdm.SampleStep(copyOut: true)!;
        var afterDiff = torchEngines.Select(t => MaxAbsDiff(after, t.SampleStep(copyOut: true)!)).ToArray();
        for (int i = 0; i < torchEngines.Count; i++)
        {
            bool ok = forward[i] < 1e-3 && afterDiff[i] < 1e-3 && Math.Abs(gLoss - tLoss[i]) <= 1e-4 * Math.Max(1, Math.Abs(gLoss));
            Console.WriteLine(Inv($"check case={c.Name} engine={torchEngines[i].Name} fwd_max_abs_diff={forward[i]:G3} loss_gsdm={gLoss:G7} loss_torch={tLoss[i]:G7} after_step_max_abs_diff={afterDiff[i]:G3} {(ok ? "OK" : "MISMATCH")}"));
            if (!ok) throw new InvalidOperationException($"case {c.Name}: {torchEngines[i].Name} does not compute the same network as GsdmCore.");
        }
    }

    private static (double[] Train, double[] Sample) Time(GsdmEngine gsdm, List<TorchEngine> torchEngines, CompareOptions o)
    {
        var engines = new List<IEngine> { gsdm };
        engines.AddRange(torchEngines);
        var train = Interleaved.Medians(engines.Select(e => (Action)(() => e.TrainStep())).ToList(), o.Warmup, o.Reps, o.SettleMs);
        var sample = Interleaved.Medians(engines.Select(e => (Action)(() => e.SampleStep())).ToList(), o.Warmup, o.Reps, o.SettleMs);
        return (train, sample);
    }

    /// <summary>Child mode: only one engine in this process; runs steps and prints its peak working set.</summary>
    public static void RunPeakChild(BenchCase c, CompareOptions o)
    {
        IEngine engine = CaseSetup.For(c).Engine(c, o);
        using (engine)
        {
            for (int i = 0; i < o.Warmup + o.Reps; i++) engine.TrainStep();
            for (int i = 0; i < o.Warmup + o.Reps; i++) engine.SampleStep();
        }
        Console.WriteLine(Inv($"peak_mb={PeakMemory.CurrentProcessMb():F1}"));
    }

    private static int ArgMin(IEnumerable<double> values)
    {
        var a = values.ToArray();
        int best = 0;
        for (int i = 1; i < a.Length; i++) if (a[i] < a[best]) best = i;
        return best;
    }

    private static double MaxAbsDiff(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new InvalidOperationException($"output lengths differ: {a.Length} vs {b.Length}.");
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
