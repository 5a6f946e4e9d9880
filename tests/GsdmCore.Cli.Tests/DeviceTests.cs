namespace GsdmCore.Cli.Tests;

/// <summary>
/// <c>--device</c> end to end on the GPU code path without a GPU: the hidden ilgpu-cpu device runs every kernel of the
/// CUDA backend on ILGPU's CPU accelerator.
/// </summary>
public sealed class DeviceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Train_and_sample_run_on_the_ilgpu_device()
    {
        var train = GsdmProcess.Run(_folder.Path, "train", "--problem", "sudoku", "--block", "2x2", "--steps", "3", "--emb-dim", "8",
            "--blocks", "1", "--heads", "2", "--batch", "4", "--log-every", "1", "--out", "run", "--device", "ilgpu-cpu");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Contains("now at step 3", train.Stdout);
        Assert.True(File.Exists(Path.Combine(_folder.File("run"), "checkpoint.safetensors")));
        var sample = GsdmProcess.Run(_folder.Path, "sample", "--checkpoint", "run", "--observe", "1... ..3. .2.. ...4", "--steps", "3",
            "--device", "ilgpu-cpu");
        Assert.True(sample.ExitCode == 0, sample.ToString());
        Assert.Contains("[1]", sample.Stdout); // the clue is kept
        Assert.Equal("", sample.Stderr);
    }

    [Fact]
    public void An_unknown_device_is_a_usage_error()
    {
        var r = GsdmProcess.Run(_folder.Path, "train", "--problem", "sudoku", "--block", "2x2", "--device", "tpu", "--steps", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown --device 'tpu'", r.Stderr);
    }
}
