using System.Diagnostics;
using GsdmCore;
using GsdmCore.Backends;
using GsdmCore.Backends.Conformance;
using GsdmCore.Backends.Cpu;
using GsdmCore.Backends.Cuda;

// gpucheck [--device cuda[:N]|ilgpu-cpu|cpu] [--case SUBSTRING] [--tiled] [--bench]
// Runs every backend contract case against the CPU backend (the CPU backend itself against the scalar
// reference), printing PASS / FAIL per case; exit code 0 when all pass, 1 on any failure, 2 on bad use.
var options = Options.Parse(args);
if (options == null) return 2;

Console.WriteLine($"gsdm gpucheck: {Environment.OSVersion}, .NET {Environment.Version}, {Environment.ProcessorCount} cores");
Console.WriteLine($"CUDA devices seen by ILGPU: {CudaBackend.CudaDeviceCount}; driver: {CudaBackend.DriverDescription}");

Backend backend;
Backend reference = CpuBackend.Instance;
try
{
    switch (options.Device)
    {
        case "cpu": backend = CpuBackend.Instance; reference = ScalarBackend.Instance; break;
        case "ilgpu-cpu": backend = CudaBackend.IlgpuCpu; break;
        default: backend = Device.Parse(options.Device).Backend; break;
    }
}
catch (TensorDeviceException e)
{
    Console.WriteLine($"FAIL device: {e.Message}");
    return 1;
}

if (backend is CudaBackend gpu)
{
    gpu.ForceTiledGemm = options.Tiled;
    Console.WriteLine($"backend {gpu.Name}: {gpu.DeviceName}; GEMM: {gpu.GemmEngine}");
}
Console.WriteLine($"checking {backend.Name} against {reference.Name}");

int failed = 0, passed = 0;
var total = Stopwatch.StartNew();
foreach (var c in ContractCases.All.Where(c => options.Case == null || c.Name.Contains(options.Case, StringComparison.OrdinalIgnoreCase)))
{
    var watch = Stopwatch.StartNew();
    try
    {
        c.Run(backend, reference);
        passed++;
        Console.WriteLine($"PASS {c.Name} ({watch.ElapsedMilliseconds} ms)");
    }
    catch (Exception e)
    {
        failed++;
        Console.WriteLine($"FAIL {c.Name} ({watch.ElapsedMilliseconds} ms): {e.GetType().Name}: {e.Message}");
        if (e is not ConformanceException) Console.WriteLine(e.StackTrace);
    }
}

if (options.Case == null && backend is CudaBackend)
{
    failed += TensorSmoke.Run(options.Device == "ilgpu-cpu" ? Device.IlgpuCpu : Device.Parse(options.Device)) ? 0 : 1;
}
Console.WriteLine($"{passed} passed, {failed} failed in {total.Elapsed.TotalSeconds:F1} s"
    + (backend is CudaBackend cb ? $"; {cb.Kernels.Compiled.Count} kernels compiled" : ""));

if (options.Bench && backend is CudaBackend b) Bench.Run(b);
return failed == 0 ? 0 : 1;

/// <summary>Command-line options.</summary>
internal sealed record Options(string Device, string? Case, bool Tiled, bool Bench)
{
    public static Options? Parse(string[] args)
    {
        string device = CudaBackend.IsCudaAvailable ? "cuda" : "ilgpu-cpu";
        string? filter = null;
        bool tiled = false, bench = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--device" when i + 1 < args.Length: device = args[++i]; break;
                case "--case" when i + 1 < args.Length: filter = args[++i]; break;
                case "--tiled": tiled = true; break;
                case "--bench": bench = true; break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'. usage: gpucheck [--device cuda[:N]|ilgpu-cpu|cpu] [--case SUBSTRING] [--tiled] [--bench]");
                    return null;
            }
        }
        return new Options(device, filter, tiled, bench);
    }
}

/// <summary>The same checks through the tensor facade: device transfer, ops, random streams.</summary>
internal static class TensorSmoke
{
    public static bool Run(Device device)
    {
        try
        {
            var rng = new Generator(5);
            var a = Tensor.Randn([64, 96], rng);
            var b = Tensor.Randn([96, 48], rng);
            var want = a.Matmul(b).Silu().LogSoftmax(-1).Sum(1).ToArray();
            var got = a.To(device).Matmul(b.To(device)).Silu().LogSoftmax(-1).Sum(1).To(Device.Cpu).ToArray();
            double worst = want.Zip(got, (w, g) => Math.Abs(w - g) / (1 + Math.Abs(w))).Max();
            var cpuRandom = Tensor.Randn([4096], new Generator(9)).ToArray();
            var devRandom = Tensor.Randn([4096], new Generator(9), device: device).ToArray();
            int differ = cpuRandom.Zip(devRandom, (x, y) => x != y).Count(d => d);
            bool ok = worst < 1e-4 && differ <= 4;
            Console.WriteLine($"{(ok ? "PASS" : "FAIL")} tensor-facade on {device}: matmul->silu->log_softmax->sum worst rel diff {worst:G3}; "
                + $"{differ} of 4096 Philox normals differ from the CPU's");
            return ok;
        }
        catch (Exception e)
        {
            Console.WriteLine($"FAIL tensor-facade on {device}: {e}");
            return false;
        }
    }
}

/// <summary>A few timings (synchronised around each timed block), reported as rates.</summary>
internal static class Bench
{
    public static void Run(CudaBackend backend)
    {
        foreach (bool tiled in new[] { false, true })
        {
            backend.ForceTiledGemm = tiled;
            foreach (int n in new[] { 1024, 4096 })
            {
                using var a = backend.Allocate(n * n, DType.F32);
                using var b = backend.Allocate(n * n, DType.F32);
                using var c = backend.Allocate(n * n, DType.F32);
                backend.Random(RandomKind.Normal, a, n * n, 1, 0);
                backend.Random(RandomKind.Normal, b, n * n, 2, 0);
                var dims = new MatmulDims(1, n, n, n, false, false, 0, 0, n, 0, 0, n, 0, 0, n);
                backend.Matmul(a, b, c, dims);
                backend.Synchronize();
                int reps = tiled ? 2 : 10;
                var w = Stopwatch.StartNew();
                for (int r = 0; r < reps; r++) backend.Matmul(a, b, c, dims);
                backend.Synchronize();
                double s = w.Elapsed.TotalSeconds / reps;
                Console.WriteLine($"bench sgemm {n}^3 ({backend.GemmEngine}): {2.0 * n * n * n / s / 1e12:F2} TFLOP/s ({s * 1e3:F2} ms)");
            }
        }
        backend.ForceTiledGemm = false;
        {
            int count = 1 << 26;
            using var x = backend.Allocate(count, DType.F32);
            using var y = backend.Allocate(count, DType.F32);
            var l = Layout.Contiguous([count]);
            backend.Fill(x, l, 1);
            backend.Binary(BinaryOp.Add, x, l, x, l, y);
            backend.Synchronize();
            var w = Stopwatch.StartNew();
            for (int r = 0; r < 20; r++) backend.Binary(BinaryOp.Add, x, l, x, l, y);
            backend.Synchronize();
            double s = w.Elapsed.TotalSeconds / 20;
            Console.WriteLine($"bench add {count} floats: {3.0 * 4 * count / s / 1e9:F0} GB/s counting 2 reads + 1 write ({s * 1e3:F2} ms)");
            w.Restart();
            for (int r = 0; r < 20; r++) backend.Softmax(x, Layout.Contiguous([count / 1024, 1024]), false, y);
            backend.Synchronize();
            s = w.Elapsed.TotalSeconds / 20;
            Console.WriteLine($"bench softmax [{count / 1024}, 1024]: {2.0 * 4 * count / s / 1e9:F0} GB/s counting 1 read + 1 write ({s * 1e3:F2} ms)");
        }
    }
}
