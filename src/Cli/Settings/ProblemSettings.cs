using GsdmCore.Cli.Errors;
using GsdmCore.Cli.ProblemSetup;

namespace GsdmCore.Cli.Settings;

/// <summary>Reads a <see cref="ProblemSpec"/> from the problem options (flags first, then the config file).</summary>
public static class ProblemSettings
{
    /// <summary>True when the problem or any size option is set.</summary>
    public static bool AnySet(ProblemOptions options, SettingSource source) => options.All.Any(source.IsSet);

    /// <summary>The spec; --problem is required.</summary>
    public static ProblemSpec Read(ProblemOptions options, SettingSource source)
    {
        string kind = source.String(options.Problem)
            ?? throw new UsageException("--problem is required: sudoku, sorting, bcmf or boolean.");
        var spec = new ProblemSpec
        {
            Kind = ProblemSpec.ParseKind(kind),
            Block = source.String(options.Block),
            N = source.Int(options.N),
            T = source.Int(options.T),
            M = source.Int(options.M),
            Depth = source.Int(options.Depth),
            Intermediates = source.Bool(options.Intermediates),
            GateSeed = source.ULong(options.GateSeed),
        };
        spec.CheckOptionsFitKind();
        return spec;
    }
}
