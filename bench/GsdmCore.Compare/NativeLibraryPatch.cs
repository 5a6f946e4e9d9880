using System.Text;

namespace GsdmCore.Compare;

/// <summary>
/// Makes TorchSharp-cpu 0.107's <c>libLibTorchSharp.so</c> loadable on a system whose libstdc++ stops at
/// GLIBCXX_3.4.30 (Debian 12). The shim asks for GLIBCXX_3.4.32 only for <c>std::ios_base_library_init()</c>, a link
/// anchor of GCC 13's &lt;iostream&gt;; this rewrites that one version-needed (Vernaux) entry, in the copy of the
/// library under the program's bin folder, to GLIBCXX_3.4.30, a version the library already needs. It must run
/// before the first TorchSharp call. Nothing is done when the system libstdc++ provides 3.4.32.
/// </summary>
internal static class NativeLibraryPatch
{
    private const string Wanted = "GLIBCXX_3.4.32";
    private const string Replacement = "GLIBCXX_3.4.30";
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Patches the shim if needed; returns a line saying what was done.</summary>
    public static string EnsureLoadable()
    {
        if (!OperatingSystem.IsLinux()) return "native patch: not Linux, nothing to do";
        if (SystemLibStdCxxHas(Wanted)) return $"native patch: system libstdc++ has {Wanted}, nothing to do";
        var libraries = Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).ToList();
        if (libraries.Count == 0) return "native patch: libLibTorchSharp.so not found under bin/";
        var notes = new List<string>();
        foreach (var path in libraries) notes.Add($"{Path.GetRelativePath(AppContext.BaseDirectory, path)}: {Patch(path)}");
        return "native patch: " + string.Join("; ", notes);
    }

    private static bool SystemLibStdCxxHas(string version)
    {
        string[] candidates = ["/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6"];
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (var c in candidates)
            if (File.Exists(c)) return File.ReadAllBytes(c).AsSpan().IndexOf(needle) >= 0;
        return false;
    }

    /// <summary>Rewrites the Vernaux entry naming <see cref="Wanted"/> in the ELF64 file at <paramref name="path"/>.</summary>
    private static string Patch(string path)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
            return "not a little-endian ELF64 file, left alone";
        ulong shoff = U64(elf, 0x28);
        int shentsize = U16(elf, 0x3a), shnum = U16(elf, 0x3c);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (U32(elf, sh + 4) != ShtGnuVerneed) continue;
            int verneed = (int)U64(elf, sh + 0x18);
            int count = (int)U32(elf, sh + 0x2c); // sh_info: number of Verneed entries
            int strtabHeader = checked((int)shoff + (int)U32(elf, sh + 0x28) * shentsize);
            int dynstr = (int)U64(elf, strtabHeader + 0x18), dynstrSize = (int)U64(elf, strtabHeader + 0x20);
            int replacementName = FindString(elf, dynstr, dynstrSize, Replacement);
            if (replacementName < 0) return $"{Replacement} not in .dynstr, left alone";
            int patched = 0;
            for (int n = 0, need = verneed; n < count; n++)
            {
                int auxCount = U16(elf, need + 2), aux = need + (int)U32(elf, need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    if (ReadString(elf, dynstr + (int)U32(elf, aux + 8)) == Wanted)
                    {
                        W32(elf, aux, ElfHash(Replacement));   // vna_hash
                        W32(elf, aux + 8, (uint)replacementName); // vna_name
                        patched++;
                    }
                    aux += (int)U32(elf, aux + 12);
                }
                need += (int)U32(elf, need + 12);
            }
            if (patched == 0) return $"no {Wanted} entry (already patched)";
            var temp = path + ".patching";
            File.WriteAllBytes(temp, elf);
            File.Move(temp, path, overwrite: true);
            return $"rewrote {patched} {Wanted} entry to {Replacement}";
        }
        return "no .gnu.version_r section, left alone";
    }

    private static int FindString(byte[] elf, int start, int size, string value)
    {
        var needle = Encoding.ASCII.GetBytes(value + "\0");
        for (int at = start; at < start + size; )
        {
            int idx = elf.AsSpan(at, start + size - at).IndexOf(needle);
            if (idx < 0) return -1;
            int pos = at + idx;
            if (pos == start || elf[pos - 1] == 0) return pos - start;
            at = pos + 1;
        }
        return -1;
    }

    private static string ReadString(byte[] b, int at)
    {
        int end = Array.IndexOf(b, (byte)0, at);
        return Encoding.ASCII.GetString(b, at, end - at);
    }

    private static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (char c in name)
        {
            h = (h << 4) + c;
            uint g = h & 0xf0000000;
            if (g != 0) h ^= g >> 24;
            h &= ~g;
        }
        return h;
    }

    private static ushort U16(byte[] b, int at) => BitConverter.ToUInt16(b, at);
    private static uint U32(byte[] b, int at) => BitConverter.ToUInt32(b, at);
    private static ulong U64(byte[] b, int at) => BitConverter.ToUInt64(b, at);
    private static void W32(byte[] b, int at, uint v) => BitConverter.TryWriteBytes(b.AsSpan(at, 4), v);
}
