using System.Globalization;
using System.Text.Json;
using GsdmCore.Cli.Errors;

namespace GsdmCore.Cli.Settings;

/// <summary>
/// A <c>--config</c> file: a JSON object or a flat YAML mapping of the same keys as the command's long options
/// (<c>steps</c>, <c>lr</c>, <c>emb-dim</c> or <c>emb_dim</c>, ...). Values are kept as text and parsed by the typed
/// getters, whose errors name the file and the key.
/// </summary>
public sealed class ConfigFile
{
    private readonly Dictionary<string, string> _values;

    /// <summary>The file's path as given.</summary>
    public string Path { get; }

    private ConfigFile(string path, Dictionary<string, string> values)
    {
        Path = path;
        _values = values;
    }

    /// <summary>The normalised keys present.</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>Reads <paramref name="path"/> (JSON when it ends in .json or starts with '{', YAML otherwise).</summary>
    public static ConfigFile Load(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--config: no file '{path}'.");
        string text = File.ReadAllText(path);
        bool json = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('{');
        var pairs = json ? ParseJson(text, path) : FlatYaml.Parse(text, path);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            string k = Normalise(key);
            if (!values.TryAdd(k, value)) throw new UsageException($"config '{path}': key '{key}' appears twice.");
        }
        return new ConfigFile(path, values);
    }

    /// <summary>Throws when a key is not one of <paramref name="allowed"/> (normalised long option names).</summary>
    public void RequireKnownKeys(IReadOnlyCollection<string> allowed)
    {
        foreach (var key in _values.Keys)
            if (!allowed.Contains(key))
                throw new UsageException($"config '{Path}': unknown key '{key}'; keys are {string.Join(", ", allowed.Order())}.");
    }

    /// <summary>Lower case, '_' as '-', no leading dashes.</summary>
    public static string Normalise(string key) => key.Trim().TrimStart('-').Replace('_', '-').ToLowerInvariant();

    /// <summary>The text value of <paramref name="key"/>, or null.</summary>
    public string? String(string key) => _values.TryGetValue(key, out var v) ? v : null;

    /// <summary>An integer value, or null.</summary>
    public int? Int(string key) => Typed<int>(key, "an integer", s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null);

    /// <summary>A non-negative 64-bit integer value, or null.</summary>
    public ulong? ULong(string key) => Typed<ulong>(key, "a non-negative integer", s => ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (ulong?)null);

    /// <summary>A number, or null.</summary>
    public double? Double(string key) => Typed<double>(key, "a number", s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null);

    /// <summary>true/false (also yes/no, on/off), or null.</summary>
    public bool? Bool(string key) => Typed<bool>(key, "true or false", s => s.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        _ => null,
    });

    private T? Typed<T>(string key, string what, Func<string, T?> parse) where T : struct
    {
        if (!_values.TryGetValue(key, out var text)) return null;
        return parse(text.Trim()) ?? throw new UsageException($"config '{Path}': '{key}' must be {what}, got '{text}'.");
    }

    private static List<KeyValuePair<string, string>> ParseJson(string text, string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new UsageException($"config '{path}' is not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new UsageException($"config '{path}': the JSON must be an object of key: value pairs.");
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                string value = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString()!,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                    _ => throw new UsageException($"config '{path}': '{p.Name}' must be a string, number or boolean (the config is flat)."),
                };
                pairs.Add(new(p.Name, value));
            }
            return pairs;
        }
    }
}
