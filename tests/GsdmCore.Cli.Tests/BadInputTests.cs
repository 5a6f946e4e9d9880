namespace GsdmCore.Cli.Tests;

/// <summary>Every bad input gives exit code 2 and one clear line on stderr, never a stack trace.</summary>
[Collection("trained run")]
public sealed class BadInputTests(TrainedRunFixture run)
{
    private static void AssertBadInput(GsdmResult r, string expected)
    {
        Assert.True(r.ExitCode == 2, r.ToString());
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one stderr line:\n{r}");
        Assert.StartsWith("gsdm: ", lines[0]);
        Assert.Contains(expected, lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);
        Assert.DoesNotContain("Exception", r.Stderr);
    }

    private GsdmResult Gsdm(params string[] args) => GsdmProcess.Run(run.Folder.Path, args);

    [Theory]
    [InlineData("1...", "needs 16 cells, got 4")]
    [InlineData("1... ..3. .2.. ...4 1", "needs 16 cells, got 17")]
    [InlineData("5... .... .... ....", "'5' (character 1) is not a digit of a 4x4 Sudoku")]
    [InlineData("1x.. .... .... ....", "'x' (character 2) is not a digit")]
    [InlineData("1.1. .... .... ....", "the clues clash: 1 appears twice in row 1")]
    [InlineData("2... 2... .... ....", "appears twice in column 1")]
    [InlineData("3... .3.. .... ....", "appears twice in the block")]
    public void A_bad_puzzle_is_refused(string puzzle, string message) =>
        AssertBadInput(Gsdm("sample", "--checkpoint", "run", "--observe", puzzle), message);

    [Fact]
    public void An_unknown_problem_is_refused() =>
        AssertBadInput(Gsdm("train", "--problem", "chess"), "unknown problem 'chess'");

    [Fact]
    public void An_unknown_option_is_refused() =>
        AssertBadInput(Gsdm("train", "--problem", "sudoku", "--bogus", "3"), "--bogus");

    [Fact]
    public void An_unknown_command_is_refused() =>
        AssertBadInput(Gsdm("fly"), "Unrecognized command or argument 'fly'");

    [Fact]
    public void A_malformed_option_value_is_refused() =>
        AssertBadInput(Gsdm("train", "--problem", "sudoku", "--steps", "many"), "many");

    [Fact]
    public void A_size_option_of_another_problem_is_refused() =>
        AssertBadInput(Gsdm("train", "--problem", "sorting", "--block", "2x2"), "--block does not apply to sorting");

    [Fact]
    public void Unknown_diffusion_is_refused_clearly() =>
        AssertBadInput(Gsdm("train", "--problem", "sudoku", "--diffusion", "poisson"), "unknown --diffusion");

    [Fact]
    public void A_negative_hybrid_weight_is_refused() =>
        AssertBadInput(Gsdm("train", "--problem", "bcmf", "--t", "2", "--n", "3", "--m", "3", "--diffusion", "multinomial", "--hybrid-weight", "-1", "--steps", "1"),
            "HybridWeight must be a finite number >= 0, got -1");

    [Fact]
    public void A_zero_categorical_weight_is_refused() =>
        AssertBadInput(Gsdm("train", "--problem", "bcmf", "--t", "2", "--n", "3", "--m", "3", "--diffusion", "multinomial", "--categorical-weight", "0", "--steps", "1"),
            "CategoricalWeight must be a finite number > 0, got 0");

    [Fact]
    public void A_missing_checkpoint_is_refused() =>
        AssertBadInput(Gsdm("sample", "--checkpoint", "no-such-run"), "no checkpoint at 'no-such-run'");

    [Fact]
    public void A_folder_without_checkpoint_is_refused()
    {
        Directory.CreateDirectory(run.Folder.File("empty"));
        AssertBadInput(Gsdm("eval", "--checkpoint", "empty"), "holds no checkpoint.safetensors");
    }

    [Fact]
    public void A_corrupt_checkpoint_is_refused()
    {
        var dir = run.Folder.File("corrupt");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "checkpoint.safetensors"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        File.Copy(Path.Combine(run.Run, "run.json"), Path.Combine(dir, "run.json"), overwrite: true);
        AssertBadInput(Gsdm("sample", "--checkpoint", "corrupt"), "checkpoint");
    }

    [Fact]
    public void A_checkpoint_of_another_problem_is_refused() =>
        AssertBadInput(Gsdm("train", "--problem", "sorting", "--n", "4", "--resume", "run", "--out", "other"), "trained on 'sudoku-2x2', not on 'sorting-n4'");

    [Fact]
    public void Cuda_without_a_gpu_is_refused_clearly()
    {
        var r = Gsdm("train", "--problem", "sudoku", "--block", "2x2", "--device", "cuda", "--steps", "1", "--out", "cuda-run");
        // With a GPU the run trains there; without one, the driver's "no CUDA device" line and exit code 2.
        if (GsdmCore.Device.IsCudaAvailable) Assert.True(r.ExitCode == 0, r.ToString());
        else AssertBadInput(r, "no CUDA device found");
    }

    [Fact]
    public void A_config_file_with_an_unknown_key_is_refused()
    {
        File.WriteAllText(run.Folder.File("bad.yaml"), "problem: sudoku\nlearning_rate: 0.1\n");
        AssertBadInput(Gsdm("train", "--config", "bad.yaml"), "unknown key 'learning-rate'");
    }
}
