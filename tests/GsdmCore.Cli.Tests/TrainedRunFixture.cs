namespace GsdmCore.Cli.Tests;

/// <summary>A tiny 4x4 Sudoku run trained once through the CLI and shared by the tests of the "trained run" collection.</summary>
public sealed class TrainedRunFixture : IDisposable
{
    public const int Steps = 20;

    public TempFolder Folder { get; } = new();
    public string Run => Folder.File("run");
    public GsdmResult Train { get; }

    public TrainedRunFixture()
    {
        Train = GsdmProcess.Run(Folder.Path, "train", "--problem", "sudoku", "--block", "2x2", "--steps", $"{Steps}",
            "--emb-dim", "16", "--blocks", "1", "--heads", "2", "--batch", "8", "--out", "run");
    }

    public void Dispose() => Folder.Dispose();
}

[CollectionDefinition("trained run")]
public sealed class TrainedRunCollection : ICollectionFixture<TrainedRunFixture>;
