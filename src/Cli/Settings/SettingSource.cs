using System.CommandLine;

namespace GsdmCore.Cli.Settings;

/// <summary>
/// Reads a setting from the command line first and from the <c>--config</c> file second (flags override the file);
/// the config key of an option is its long name without dashes. Null when neither gives it.
/// </summary>
public sealed class SettingSource(ParseResult parse, ConfigFile? config)
{
    /// <summary>The config file, or null.</summary>
    public ConfigFile? Config => config;

    /// <summary>The config key of <paramref name="option"/>.</summary>
    public static string Key(Option option) => ConfigFile.Normalise(option.Name);

    private bool Given(Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>A text setting.</summary>
    public string? String(Option<string?> option) => Given(option) ? parse.GetValue(option) : config?.String(Key(option));

    /// <summary>An integer setting.</summary>
    public int? Int(Option<int?> option) => Given(option) ? parse.GetValue(option) : config?.Int(Key(option));

    /// <summary>A non-negative 64-bit integer setting.</summary>
    public ulong? ULong(Option<ulong?> option) => Given(option) ? parse.GetValue(option) : config?.ULong(Key(option));

    /// <summary>A numeric setting.</summary>
    public double? Double(Option<double?> option) => Given(option) ? parse.GetValue(option) : config?.Double(Key(option));

    /// <summary>A boolean setting.</summary>
    public bool? Bool(Option<bool?> option) => Given(option) ? parse.GetValue(option) : config?.Bool(Key(option));

    /// <summary>Whether the flag or the config file sets <paramref name="option"/>.</summary>
    public bool IsSet(Option option) => Given(option) || config?.String(Key(option)) is not null;
}
