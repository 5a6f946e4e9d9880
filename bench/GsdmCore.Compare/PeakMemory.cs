using System.Diagnostics;
using System.Globalization;

namespace GsdmCore.Compare;

/// <summary>Peak working set of one engine, measured in a child process of this same program.</summary>
internal static class PeakMemory
{
    /// <summary>The process's peak resident set in MiB: VmHWM from /proc/self/status, else Process.PeakWorkingSet64.</summary>
    public static double CurrentProcessMb()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>Runs <c>--engine <paramref name="engine"/> --case <paramref name="caseName"/> --peak</c> as a child and reads its peak_mb line.</summary>
    public static double MeasureInChild(string engine, string caseName, string? variant, CompareOptions o)
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("no process path to spawn the peak-memory child.");
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(path) == "dotnet") info.ArgumentList.Add(typeof(PeakMemory).Assembly.Location);
        foreach (var a in new[] { "--engine", engine, "--case", caseName, "--peak", "--threads", o.Threads.ToString(CultureInfo.InvariantCulture),
                     "--warmup", "2", "--reps", "3" })
            info.ArgumentList.Add(a);
        if (variant is not null) { info.ArgumentList.Add("--variant"); info.ArgumentList.Add(variant); }
        using var child = Process.Start(info) ?? throw new InvalidOperationException("could not start the peak-memory child.");
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        foreach (var line in stdout.Split('\n'))
            if (line.StartsWith("peak_mb=", StringComparison.Ordinal))
                return double.Parse(line[8..].Trim(), CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"peak child ({engine}, {caseName}) exited {child.ExitCode} without a peak_mb line: {stdout} {stderr.Result}");
    }
}
