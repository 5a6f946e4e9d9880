namespace GsdmCore.Backends.Cpu;

/// <summary>
/// The size of a core's own (level 2) cache, for the kernels whose loop order depends on what fits in it. Read once
/// from Linux's sysfs; elsewhere, or when it cannot be read, the 1 MB of the machines these kernels were first tuned on.
/// Kernels may only choose between orders that give the same bits by it, so results never depend on the machine's cache.
/// </summary>
internal static class CpuCaches
{
    /// <summary>Bytes of the level-2 cache of one core.</summary>
    public static long L2Bytes { get; } = ReadL2Bytes() ?? 1L << 20;

    private static long? ReadL2Bytes()
    {
        try
        {
            const string root = "/sys/devices/system/cpu/cpu0/cache";
            if (!Directory.Exists(root)) return null;
            foreach (var index in Directory.GetDirectories(root, "index*"))
            {
                if (File.ReadAllText(Path.Combine(index, "level")).Trim() != "2") continue;
                return ParseSize(File.ReadAllText(Path.Combine(index, "size")).Trim());
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>"512K", "1024K", "2M" or a plain byte count; null when it is none of these.</summary>
    internal static long? ParseSize(string text)
    {
        if (text.Length == 0) return null;
        long unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        var digits = unit == 1 ? text : text[..^1];
        return long.TryParse(digits, out long value) && value > 0 ? value * unit : null;
    }
}
