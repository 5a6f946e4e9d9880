namespace GsdmCore.Cli.Tests;

/// <summary>train -> sample / eval / resume through the CLI process.</summary>
[Collection("trained run")]
public sealed class RoundTripTests(TrainedRunFixture run)
{
    [Fact]
    public void Train_prints_the_graph_size_and_parameter_count_first_and_writes_the_run_folder()
    {
        var r = run.Train;
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n');
        Assert.Contains("16 nodes", lines[0]);
        Assert.Contains("112 directed edges", lines[0]);
        Assert.Contains("max 8 keys", lines[0]);
        Assert.Matches(@"[\d,]+ parameters", lines[1]);
        Assert.Contains($"now at step {TrainedRunFixture.Steps}", r.Stdout);
        foreach (var file in new[] { "checkpoint.safetensors", "run.json", "metrics.csv", "loss.png" })
            Assert.True(File.Exists(Path.Combine(run.Run, file)), $"{file} missing");
        var csv = File.ReadAllLines(Path.Combine(run.Run, "metrics.csv"));
        Assert.StartsWith("step,", csv[0]);
        Assert.Equal(TrainedRunFixture.Steps / 10, csv.Length - 1);
    }

    [Fact]
    public void Sample_completes_a_given_puzzle_keeping_its_clues()
    {
        var r = GsdmProcess.Run(run.Folder.Path, "sample", "--checkpoint", "run", "--observe", "1... ..3. .2.. ...4", "--steps", "5");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("puzzle 1", r.Stdout);
        Assert.Contains("[1]", r.Stdout); // clues are bracketed
        Assert.Contains("[4]", r.Stdout);
        Assert.Contains("clue_accuracy", r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void Sample_without_observations_draws_unconditional_grids_and_eval_prints_metrics()
    {
        var s = GsdmProcess.Run(run.Folder.Path, "sample", "-c", Path.Combine("run", "checkpoint.safetensors"), "--count", "3", "--steps", "5", "--sampler", "ddim");
        Assert.True(s.ExitCode == 0, s.ToString());
        Assert.Contains("sample 3", s.Stdout);
        Assert.DoesNotContain("sample 4", s.Stdout);

        var e = GsdmProcess.Run(run.Folder.Path, "eval", "--checkpoint", "run", "--count", "8", "--steps", "5");
        Assert.True(e.ExitCode == 0, e.ToString());
        Assert.Contains("without_clashes", e.Stdout);
        Assert.Contains("solved", e.Stdout);
        Assert.Contains($"after {TrainedRunFixture.Steps} steps", e.Stdout);
    }

    [Fact]
    public void Resume_continues_a_copy_of_the_run_to_more_steps()
    {
        var copy = Path.Combine(run.Folder.Path, "resumed");
        var r = GsdmProcess.Run(run.Folder.Path, "train", "--resume", "run", "--steps", $"{TrainedRunFixture.Steps + 10}", "--out", "resumed");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"at step {TrainedRunFixture.Steps}", r.Stdout);
        Assert.Contains($"now at step {TrainedRunFixture.Steps + 10}", r.Stdout);
        Assert.True(File.Exists(Path.Combine(copy, "checkpoint.safetensors")));
        Assert.True(File.Exists(Path.Combine(copy, "run.json")));
    }
}
