using System.CommandLine;
using GsdmCore.Cli.Runs;

namespace GsdmCore.Cli.Settings;

/// <summary>The options that name a trained run and where to run it, shared by <c>sample</c> and <c>eval</c>: --checkpoint, --device.</summary>
public sealed class RunOptionSet
{
    /// <summary>--checkpoint.</summary>
    public Option<string> Checkpoint { get; } = new("--checkpoint", "-c") { Description = "Run folder (or its checkpoint.safetensors) written by 'gsdm train'.", Required = true, HelpName = "DIR" };
    /// <summary>--device.</summary>
    public Option<string?> Device { get; } = new("--device") { Description = "cpu (default), cuda or cuda:N (an NVIDIA GPU).", HelpName = "cpu|cuda|cuda:N" };

    /// <summary>The device the command line asks for (checked first, so a missing GPU is the error reported).</summary>
    public GsdmCore.Device ReadDevice(ParseResult parse) => ModelChoices.Device(parse.GetValue(Device));

    /// <summary>Loads the run named by --checkpoint onto <paramref name="device"/>.</summary>
    public TrainedRun Load(ParseResult parse, GsdmCore.Device device) => TrainedRun.Load(parse.GetValue(Checkpoint)!, "--checkpoint", device);
}
