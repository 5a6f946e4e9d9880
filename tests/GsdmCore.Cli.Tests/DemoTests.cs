using System.Text.RegularExpressions;

namespace GsdmCore.Cli.Tests;

/// <summary>The demo end to end with a tiny budget: the summary line, the boards and every file it promises.</summary>
public sealed class DemoTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_short_demo_prints_boards_and_the_summary_line_and_writes_its_files()
    {
        var r = GsdmProcess.Run(_folder.Path, TimeSpan.FromSeconds(120), "demo", "--steps", "4", "--time-limit", "60", "--out", "demo");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(new Regex(@"^demo: solved \d+/64 puzzles, \d+/64 unconditional grids valid, trained 4 steps in \d+\.\d s$", RegexOptions.Multiline), r.Stdout);
        Assert.Contains("puzzle 1", r.Stdout);
        Assert.Contains("completion 1", r.Stdout);
        Assert.Contains("unconditional 1", r.Stdout);
        foreach (var file in new[] { "checkpoint.safetensors", "run.json", "metrics.csv", "loss.png", "attention-mask.png", "samples.png" })
        {
            var path = _folder.File(Path.Combine("demo", file));
            Assert.True(File.Exists(path), $"{file} missing");
            Assert.True(new FileInfo(path).Length > 50, $"{file} is empty");
        }
        Assert.Equal(2, File.ReadAllLines(_folder.File(Path.Combine("demo", "metrics.csv"))).Length); // header + the 4 steps' row
        var png = File.ReadAllBytes(_folder.File(Path.Combine("demo", "samples.png")));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }
}
