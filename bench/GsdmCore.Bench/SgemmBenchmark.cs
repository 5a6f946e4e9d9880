using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using GsdmCore.Backends.Cpu;

namespace GsdmCore.Bench;

/// <summary>
/// SGEMM C = A * op(B) at the sizes. "2592x128x128^T" is one GSDM Sudoku projection at batch 32
/// (32 x 81 tokens times a 128 x 128 weight used transposed, as Linear does).
/// </summary>
public unsafe class SgemmBenchmark
{
    [Params("2592x128x128", "2592x128x128^T", "512x512x512", "1024x1024x1024")]
    public string Shape = "";

    [Params(1, 2)] public int Threads;

    private int _m, _n, _k;
    private bool _transB;
    private float* _a, _b, _c;

    /// <summary>(M, N, K, B transposed) of a shape name.</summary>
    public static (int M, int N, int K, bool TransB) Parse(string shape)
    {
        bool transB = shape.EndsWith("^T");
        var dims = shape.TrimEnd('^', 'T').Split('x').Select(int.Parse).ToArray();
        return (dims[0], dims[1], dims[2], transB);
    }

    /// <summary>Floating-point operations of one product.</summary>
    public static double FlopsOf(string shape)
    {
        var (m, n, k, _) = Parse(shape);
        return 2.0 * m * n * k;
    }

    [GlobalSetup]
    public void Setup()
    {
        (_m, _n, _k, _transB) = Parse(Shape);
        _a = Alloc(_m * _k);
        _b = Alloc(_k * _n);
        _c = Alloc(_m * _n);
        var rng = new Random(1);
        for (int i = 0; i < _m * _k; i++) _a[i] = (float)rng.NextDouble() - 0.5f;
        for (int i = 0; i < _k * _n; i++) _b[i] = (float)rng.NextDouble() - 0.5f;
    }

    private static float* Alloc(int count) => (float*)NativeMemory.AlignedAlloc((nuint)count * sizeof(float), 64);

    [Benchmark]
    public void Sgemm() => Gemm.Sgemm(false, _transB, 1, _m, _n, _k, 1f,
        _a, 0, _k, _b, 0, _transB ? _k : _n, 0f, _c, 0, _n, Threads);

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_b);
        NativeMemory.AlignedFree(_c);
    }
}
