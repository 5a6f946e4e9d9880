using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>The op under test, given the uploaded inputs, the output buffer and the backend that runs it.</summary>
public delegate void BackendOp(IBuffer[] inputs, IBuffer output, Backend backend);

/// <summary>Runs one op on the backend under test and on the reference with the same host inputs, and compares.</summary>
public static class Exec
{
    /// <summary>Extra elements after every output, prefilled like the rest: a kernel writing past the end is caught.</summary>
    public const int Guard = 3;

    /// <summary>Value that output buffers start with.</summary>
    public const double Sentinel = 777;

    /// <summary>A contiguous output of <paramref name="count"/> elements plus the guard, all <see cref="Sentinel"/>.</summary>
    public static HostView Output(DType dtype, int count) =>
        new(dtype, Enumerable.Repeat(Sentinel, count + Guard).ToArray(), Layout.Contiguous([count + Guard]), ViewKind.Contiguous);

    /// <summary>The whole output buffer after <paramref name="op"/> ran on <paramref name="backend"/>.</summary>
    public static double[] Run(Backend backend, IReadOnlyList<HostView> inputs, HostView output, BackendOp op)
    {
        var ins = inputs.Select(v => v.Upload(backend)).ToArray();
        var o = output.Upload(backend);
        try
        {
            op(ins, o, backend);
            return Compare.ReadAll(backend, o, output.Storage.Length);
        }
        finally
        {
            o.Dispose();
            foreach (var b in ins) b.Dispose();
        }
    }

    /// <summary>Runs on both backends and compares the whole output buffers within <paramref name="tol"/>.</summary>
    public static void Check(string what, Backend sut, Backend reference, IReadOnlyList<HostView> inputs, HostView output, Tolerance tol, BackendOp op)
    {
        var want = Run(reference, inputs, output, op);
        var got = Run(sut, inputs, output, op);
        Compare.Close($"{what} on {sut.Name} vs {reference.Name}", got, want, tol);
    }
}

/// <summary>Small random shapes.</summary>
public static class Shapes
{
    public static int[] Random(Random rng, int minRank, int maxRank, int maxExtent = 5)
    {
        int rank = rng.Next(minRank, maxRank + 1);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++) shape[i] = rng.Next(1, maxExtent + 1);
        return shape;
    }

    /// <summary>A uniform value on [lo, hi).</summary>
    public static Func<Random, double> Uniform(double lo, double hi) => r => lo + (hi - lo) * r.NextDouble();

    /// <summary>One of a few values, so that ties and equalities happen.</summary>
    public static Func<Random, double> Levels(params double[] levels) => r => levels[r.Next(levels.Length)];

    /// <summary>A stable seed for a case name (string.GetHashCode is randomised per process).</summary>
    public static int Seed(string name)
    {
        uint h = 2166136261;
        foreach (char c in name) h = (h ^ c) * 16777619;
        return (int)(h & 0x7fffffff);
    }
}
