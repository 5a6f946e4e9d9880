namespace GsdmCore.Cli.Tests;

public sealed class HelpTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Root_help_lists_every_command_with_examples()
    {
        var r = GsdmProcess.Run(_folder.Path, "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var command in new[] { "demo", "train", "sample", "eval", "check-invariance" })
            Assert.Contains(command, r.Stdout);
        Assert.Contains("Examples:", r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Theory]
    [InlineData("demo", "--time-limit")]
    [InlineData("train", "--intermediates")]
    [InlineData("sample", "--observe-file")]
    [InlineData("eval", "--observed-fraction")]
    [InlineData("check-invariance", "--embeddings")]
    public void Every_command_has_help_with_its_options_and_examples(string command, string option)
    {
        var r = GsdmProcess.Run(_folder.Path, command, "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(option, r.Stdout);
        Assert.Contains("Examples:", r.Stdout);
        Assert.Contains($"gsdm {command}", r.Stdout);
    }
}
