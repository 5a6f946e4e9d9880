using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GsdmCore.Cli.Tests;

/// <summary>
/// Ctrl-C (SIGINT) during training saves a checkpoint that --resume continues from. A process started from a shell's
/// background job inherits SIGINT as ignored, and .NET respects ignored signals, so where the child ignores SIGINT the
/// test sends SIGTERM instead, which the CLI handles the same way.
/// </summary>
public sealed class InterruptTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Sigint_saves_a_checkpoint_and_resume_continues_from_it()
    {
        if (OperatingSystem.IsWindows()) return; // signals are sent with libc kill(2)
        var metrics = _folder.File(Path.Combine("run", "metrics.csv"));
        using var process = GsdmProcess.Start(_folder.Path, "train", "--problem", "sudoku", "--block", "2x2", "--steps", "500000", "--time-limit", "90",
            "--emb-dim", "16", "--blocks", "1", "--heads", "2", "--batch", "4", "--out", "run", "--log-every", "5");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!HasRows(metrics) && clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited) await Task.Delay(100);
        if (process.HasExited) Assert.Fail($"training ended before the signal: {await stdout}\n{await stderr}");
        int signal = IgnoresSigint(process.Id) ? SigTerm : SigInt;
        int rc = Kill(process.Id, signal);
        Assert.True(rc == 0, $"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            await process.WaitForExitAsync(timeout.Token);
        string output = await stdout;
        string errors = await stderr;
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}\n{output}\n{errors}");
        var match = System.Text.RegularExpressions.Regex.Match(output, @"interrupted at step (\d+)");
        Assert.True(match.Success, output);
        int step = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(step, 5, 499_999);
        Assert.Contains("gsdm train --resume", output);

        var resumed = GsdmProcess.Run(_folder.Path, "train", "--resume", "run", "--steps", $"{step + 3}");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"resuming", resumed.Stdout);
        Assert.Contains($"at step {step}", resumed.Stdout);
        Assert.Contains($"trained 3 steps", resumed.Stdout);
        Assert.Contains($"now at step {step + 3}", resumed.Stdout);
    }

    private const int SigInt = 2, SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Whether SIGINT (signal 2) is in the SigIgn mask of /proc/PID/status.</summary>
    private static bool IgnoresSigint(int pid)
    {
        string status = $"/proc/{pid}/status";
        if (!File.Exists(status)) return false;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }

    private static bool HasRows(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 1;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
