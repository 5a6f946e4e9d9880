using GsdmCore.Cli.Errors;
using GsdmCore.Cli.ProblemSetup;
using GsdmCore.Diffusion.Training;

namespace GsdmCore.Cli.Runs;

/// <summary>
/// The folder of one training run: <c>checkpoint.safetensors</c> (the trainer checkpoint), <c>run.json</c> (the
/// problem spec), <c>metrics.csv</c> (the loss log) and the PNGs.
/// </summary>
public sealed class RunFolder
{
    /// <summary>The checkpoint's file name inside a run folder.</summary>
    public const string CheckpointFile = "checkpoint.safetensors";

    /// <summary>The folder.</summary>
    public string Directory { get; }
    /// <summary>The trainer checkpoint.</summary>
    public string CheckpointPath { get; }
    /// <summary>The run description.</summary>
    public string RunInfoPath => Path.Combine(Directory, "run.json");
    /// <summary>The loss log.</summary>
    public string MetricsPath => Path.Combine(Directory, "metrics.csv");

    private RunFolder(string directory, string checkpoint)
    {
        Directory = directory;
        CheckpointPath = checkpoint;
    }

    /// <summary>A file of the folder.</summary>
    public string File(string name) => Path.Combine(Directory, name);

    /// <summary>The folder to write a run into (created when missing).</summary>
    public static RunFolder Create(string directory)
    {
        try
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot create the output folder '{directory}': {e.Message}", e);
        }
        return new RunFolder(directory, Path.Combine(directory, CheckpointFile));
    }

    /// <summary>
    /// The run of an existing checkpoint: <paramref name="path"/> is a run folder or the checkpoint file itself.
    /// A missing one raises <see cref="UsageException"/>.
    /// </summary>
    public static RunFolder Open(string path, string option)
    {
        if (System.IO.File.Exists(path))
            return new RunFolder(Path.GetDirectoryName(Path.GetFullPath(path))!, path);
        if (System.IO.Directory.Exists(path))
        {
            var file = Path.Combine(path, CheckpointFile);
            if (!System.IO.File.Exists(file))
                throw new UsageException($"{option}: the folder '{path}' holds no {CheckpointFile}; train one with 'gsdm train --out {path}'.");
            return new RunFolder(path, file);
        }
        throw new UsageException($"{option}: no checkpoint at '{path}' (give a run folder or its {CheckpointFile}).");
    }

    /// <summary>The problem of the run: from run.json, else recovered from the checkpoint's problem name.</summary>
    public ProblemSpec ReadProblem()
    {
        if (System.IO.File.Exists(RunInfoPath)) return RunInfo.Load(RunInfoPath).Problem;
        string name = TrainerCheckpoint.Load(CheckpointPath).Problem;
        return ProblemSpec.FromName(name)
            ?? throw new UsageException($"'{CheckpointPath}' was trained on '{name}', a problem the CLI cannot rebuild without its run.json.");
    }
}
