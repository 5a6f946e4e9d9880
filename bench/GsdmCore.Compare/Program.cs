using GsdmCore.Backends.Cpu;
using GsdmCore.Compare;

// End-to-end GsdmCore vs TorchSharp-cpu comparison of the GSDM denoiser (see docs/performance.md).
try
{
    var o = CompareOptions.Parse(args);
    var cases = o.Case == "all" ? BenchCase.All : [BenchCase.Find(o.Case)];
    CpuParallel.MaxThreads = o.Threads;
    if (o.Peak)
    {
        if (o.Engine is null || cases.Count != 1) throw new ArgumentException("--peak needs --engine gsdm|torch and one --case.");
        if (o.Engine == "torch") TorchSetup.Initialise(o.Threads, quiet: true);
        CaseRunner.RunPeakChild(cases[0], o);
        return 0;
    }
    if (o.Profile)
    {
        foreach (var c in cases) ProfileCase.Run(c, o);
        if (o.Engine is null || o.Engine == "torch")
        {
            TorchSetup.Initialise(o.Threads, quiet: true);
            foreach (var c in cases)
                foreach (var v in new[] { TorchAttentionVariant.SparseGather, TorchAttentionVariant.DenseMasked })
                    TorchProfile.Run(c, o, v);
        }
        return 0;
    }
    if (o.Engine is not null)
    {
        if (o.Engine == "torch") TorchSetup.Initialise(o.Threads, quiet: true);
        foreach (var c in cases) SingleEngineTiming.Run(c, o);
        return 0;
    }
    TorchSetup.Initialise(o.Threads, quiet: false);
    Console.WriteLine($"threads={o.Threads} warmup={o.Warmup} reps={o.Reps} settle_ms={o.SettleMs} (interleaved, medians)");
    foreach (var c in cases)
    {
        CaseRunner.Run(c, o);
        // The engine pool keeps every released buffer for its exact size: drop the finished case's sizes, or the
        // cases of --case all add up (they reached 18 GB before the last one).
        CpuBufferPool.Trim();
        GC.Collect();
    }
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
