using GsdmCore.Cli.ProblemSetup;
using GsdmCore.Diffusion.Training;
using GsdmCore.Problems;

namespace GsdmCore.Cli.Runs;

/// <summary>A trained run loaded for sampling: its folder, its problem rebuilt from run.json, and the restored trainer (EMA weights).</summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Spec">The problem spec.</param>
/// <param name="Problem">The problem.</param>
/// <param name="Trainer">The trainer restored from the checkpoint.</param>
public sealed record TrainedRun(RunFolder Folder, ProblemSpec Spec, IProblem Problem, GsdmTrainer Trainer)
{
    /// <summary>
    /// Loads the run at <paramref name="path"/> (a run folder or a checkpoint file) given by <paramref name="option"/>
    /// onto <paramref name="device"/> (default: the CPU).
    /// </summary>
    public static TrainedRun Load(string path, string option, Device? device = null)
    {
        var folder = RunFolder.Open(path, option);
        var spec = folder.ReadProblem();
        var problem = spec.Create();
        var on = device ?? Device.Cpu;
        var trainer = GsdmTrainer.Resume(problem, folder.CheckpointPath, o => o with { Device = on });
        return new TrainedRun(folder, spec, problem, trainer);
    }
}
