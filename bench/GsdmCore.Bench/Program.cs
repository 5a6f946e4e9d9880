using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using GsdmCore.Bench;

// BenchmarkDotNet times each case; the summary below turns the times into GFLOP/s and GB/s and states
// SGEMM as a fraction of the FMA peak measured in this same run.
if (args.Length > 0 && args[0] == "--sparse-fastest")
{
    SparseFastest.Run(args);
    return;
}
if (args.Length > 0 && args[0] == "--sparse-decompose")
{
    SparseDecompose.Run(args);
    return;
}
var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithWarmupCount(6).WithIterationCount(15))
    .WithOptions(ConfigOptions.JoinSummary);
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToArray();
Report.Print(summaries);
