using GsdmCore.Cli.Errors;

namespace GsdmCore.Cli.Settings;

/// <summary>
/// A parser for the flat YAML subset a config file needs: one <c>key: value</c> per line, <c>#</c> comments, blank
/// lines and a leading <c>---</c>; values plain or quoted ('...' or "..."). Nesting, lists and multi-line values are
/// refused with the line number.
/// </summary>
public static class FlatYaml
{
    /// <summary>The key/value pairs of <paramref name="text"/>; <paramref name="source"/> names the file in errors.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text, string source)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = StripComment(lines[i]).TrimEnd();
            if (line.Trim().Length == 0 || line.Trim() is "---" or "...") continue;
            string where = $"config '{source}' line {i + 1}";
            if (char.IsWhiteSpace(line[0]) || line.TrimStart().StartsWith('-'))
                throw new UsageException($"{where}: nested values and lists are not supported; write flat 'key: value' lines.");
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw new UsageException($"{where}: expected 'key: value', got '{line.Trim()}'.");
            string key = line[..colon].Trim();
            string value = Unquote(line[(colon + 1)..].Trim(), where);
            if (value.Length == 0) throw new UsageException($"{where}: '{key}' has no value (nested values are not supported).");
            pairs.Add(new(key, value));
        }
        return pairs;
    }

    private static string StripComment(string line)
    {
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '\'' or '"') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }
        return line;
    }

    private static string Unquote(string value, string where)
    {
        if (value.Length >= 1 && value[0] is '\'' or '"')
        {
            if (value.Length < 2 || value[^1] != value[0]) throw new UsageException($"{where}: unterminated quoted value {value}.");
            return value[1..^1];
        }
        if (value.StartsWith('{') || value.StartsWith('[') || value is "|" or ">")
            throw new UsageException($"{where}: flow collections and block scalars are not supported; write a plain value.");
        return value;
    }
}
