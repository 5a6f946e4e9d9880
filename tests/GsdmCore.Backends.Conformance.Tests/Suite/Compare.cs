using System.Text;
using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>Reads results back and compares them, raising <see cref="ConformanceException"/> with the first mismatches.</summary>
public static class Compare
{
    /// <summary>The elements of a view, downloaded in the buffer's own dtype and widened to double.</summary>
    public static double[] Read(Backend backend, IBuffer buffer, Layout layout)
    {
        int n = layout.Count;
        switch (buffer.DType)
        {
            case DType.F32: { var a = new float[n]; backend.Download<float>(buffer, layout, a); return a.Select(v => (double)v).ToArray(); }
            case DType.F64: { var a = new double[n]; backend.Download<double>(buffer, layout, a); return a; }
            default: { var a = new int[n]; backend.Download<int>(buffer, layout, a); return a.Select(v => (double)v).ToArray(); }
        }
    }

    /// <summary>The whole buffer (all <paramref name="length"/> elements), contiguous.</summary>
    public static double[] ReadAll(Backend backend, IBuffer buffer, int length) => Read(backend, buffer, Layout.Contiguous([length]));

    public static void Close(string what, double[] got, double[] want, Tolerance tol)
    {
        if (got.Length != want.Length)
            throw new ConformanceException($"{what}: {got.Length} elements vs {want.Length} in the reference.");
        var report = new StringBuilder();
        int bad = 0;
        for (int i = 0; i < got.Length; i++)
        {
            if (tol.Accepts(got[i], want[i])) continue;
            if (bad++ < 6) report.Append($"\n  [{i}] got {got[i]:R}, reference {want[i]:R}, |diff| {Math.Abs(got[i] - want[i]):G3}");
        }
        if (bad > 0)
            throw new ConformanceException($"{what}: {bad} of {got.Length} elements outside {tol}:{report}");
    }

    /// <summary>Runs <paramref name="action"/> on both backends: either both succeed or both throw the same exception type and message.</summary>
    public static bool SameOutcome(string what, Action sut, Action reference)
    {
        Exception? es = null, er = null;
        try { sut(); } catch (Exception e) { es = e; }
        try { reference(); } catch (Exception e) { er = e; }
        if (es == null && er == null) return true;
        if (es == null || er == null || es.GetType() != er.GetType() || es.Message != er.Message)
            throw new ConformanceException($"{what}: outcomes differ.\n  backend: {Describe(es)}\n  reference: {Describe(er)}");
        return false;
    }

    private static string Describe(Exception? e) => e == null ? "no exception" : $"{e.GetType().Name}: {e.Message}";
}
