using GsdmCore.Nn;

namespace GsdmCore.Diffusion;

/// <summary>An ordered list of child modules registered under the names "0", "1", ... (parameter names <c>blocks.3.res...</c>).</summary>
public sealed class ModuleList<T> : Module where T : Module
{
    private readonly List<T> _items = [];

    /// <summary>Registers each of <paramref name="items"/> in order.</summary>
    public ModuleList(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items) _items.Add(RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), item));
    }

    /// <summary>The number of modules.</summary>
    public int Count => _items.Count;

    /// <summary>Module <paramref name="index"/>.</summary>
    public T this[int index] => _items[index];

    /// <summary>The modules in order.</summary>
    public IReadOnlyList<T> Items => _items;
}
