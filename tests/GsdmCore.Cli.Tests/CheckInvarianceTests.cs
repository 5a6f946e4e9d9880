namespace GsdmCore.Cli.Tests;

public sealed class CheckInvarianceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Bcmf_is_invariant_over_its_plate_with_ee_and_not_with_ie()
    {
        var ee = GsdmProcess.Run(_folder.Path, "check-invariance", "--problem", "bcmf", "--t", "3", "--n", "3", "--m", "3");
        Assert.True(ee.ExitCode == 0, ee.ToString());
        Assert.Contains("t: INVARIANT", ee.Stdout);

        var ie = GsdmProcess.Run(_folder.Path, "check-invariance", "--problem", "bcmf", "--t", "3", "--n", "3", "--m", "3", "--embeddings", "ie");
        Assert.True(ie.ExitCode == 0, ie.ToString());
        Assert.Contains("t: not invariant", ie.Stdout);
    }
}
