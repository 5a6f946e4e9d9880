using System.Globalization;

namespace GsdmCore.Problems;

/// <summary>Named metric values in a fixed order (e.g. "clashes", "without_clashes").</summary>
public sealed class MetricReport
{
    private readonly List<KeyValuePair<string, double>> _entries = [];

    /// <summary>The metrics in the order added.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Entries => _entries;

    /// <summary>The value of metric <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No metric of that name.</exception>
    public double this[string name]
    {
        get
        {
            foreach (var (key, value) in _entries) if (key == name) return value;
            throw new KeyNotFoundException($"no metric '{name}'; metrics are [{string.Join(", ", _entries.Select(e => e.Key))}].");
        }
    }

    /// <summary>Whether metric <paramref name="name"/> is present.</summary>
    public bool Contains(string name) => _entries.Any(e => e.Key == name);

    /// <summary>Adds (or replaces) a metric and returns the report.</summary>
    public MetricReport Add(string name, double value)
    {
        int i = _entries.FindIndex(e => e.Key == name);
        if (i >= 0) _entries[i] = new(name, value);
        else _entries.Add(new(name, value));
        return this;
    }

    /// <summary>One "name = value" line per metric.</summary>
    public override string ToString() =>
        string.Join("\n", _entries.Select(e => $"{e.Key} = {e.Value.ToString("0.######", CultureInfo.InvariantCulture)}"));
}
