namespace GsdmCore.Cli.Tests;

/// <summary>--config files (YAML and JSON) hold the flags' keys; flags override them.</summary>
public sealed class ConfigTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_yaml_config_is_read_and_flags_override_it()
    {
        File.WriteAllText(_folder.File("tiny.yaml"), """
            # a tiny Sorting run
            problem: sorting
            n: 3
            emb_dim: 16
            blocks: 1
            heads: 2
            batch: 4
            steps: 7        # overridden below
            out: "yaml-run"
            """);
        var r = GsdmProcess.Run(_folder.Path, "train", "--config", "tiny.yaml", "--steps", "4");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("sorting-n3", r.Stdout);
        Assert.Contains("d 16, 1 blocks, 2 heads", r.Stdout);
        Assert.Contains("now at step 4", r.Stdout);
        Assert.True(File.Exists(_folder.File(Path.Combine("yaml-run", "checkpoint.safetensors"))));

        // The sorting run samples given its observed values u, and refuses the wrong number of them.
        var s = GsdmProcess.Run(_folder.Path, "sample", "-c", "yaml-run", "--observe", "0.3, -1, 2", "--steps", "5");
        Assert.True(s.ExitCode == 0, s.ToString());
        Assert.Contains("u        :  0.300 -1.000  2.000", s.Stdout);
        Assert.Contains("position_accuracy", s.Stdout);
        var bad = GsdmProcess.Run(_folder.Path, "sample", "-c", "yaml-run", "--observe", "0.3, -1");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("sorting-n3 takes 3 values per instance (u (3 numbers)), got 2", bad.Stderr);
    }

    [Fact]
    public void A_json_config_is_read()
    {
        File.WriteAllText(_folder.File("tiny.json"), """
            { "problem": "boolean", "depth": 2, "emb-dim": 16, "blocks": 1, "heads": 2, "batch": 4, "steps": 3, "out": "json-run", "lr": 5e-4 }
            """);
        var r = GsdmProcess.Run(_folder.Path, "train", "--config", "tiny.json");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("boolean-d2", r.Stdout);
        Assert.Contains("lr 0.0005", r.Stdout);
        Assert.Contains("now at step 3", r.Stdout);
    }
}
