using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>The named tensors and string metadata read from a safetensors file.</summary>
public sealed record SafeTensorsContent(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// (<c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {..}}</c>, offsets relative
/// to the first byte after the header, the header optionally padded with spaces), then the tensors' bytes in
/// little-endian order. Supports F32, F64 and I32.
/// </summary>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";
    /// <summary>Largest header accepted on load (guards against a corrupt length field).</summary>
    public const long MaxHeaderBytes = 100L << 20;

    /// <summary>
    /// Writes <paramref name="tensors"/> (in name order) and <paramref name="metadata"/> to <paramref name="path"/>
    /// atomically: a temporary file in the same folder is written, flushed to disk and moved over the target.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writing is implemented for little-endian hosts only.");
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (names.Contains(MetadataKey)) throw new CheckpointException(MetadataKey, "'__metadata__' is reserved and cannot name a tensor.");
        var header = BuildHeader(names, tensors, metadata);

        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var name in names) WriteData(stream, tensors[name]);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }

    private static byte[] BuildHeader(List<string> names, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata != null && metadata.Count > 0)
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var name in names)
            {
                var t = tensors[name];
                long bytes = (long)t.Count * t.DType.SizeOf();
                w.WriteStartObject(name);
                w.WriteString("dtype", DTypeName(t.DType));
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        // Pad with spaces so the data starts 8-byte aligned.
        int length = (int)ms.Length;
        int padded = (length + 7) & ~7;
        var header = new byte[padded];
        ms.GetBuffer().AsSpan(0, length).CopyTo(header);
        header.AsSpan(length).Fill((byte)' ');
        return header;
    }

    private static void WriteData(Stream stream, Tensor t)
    {
        switch (t.DType)
        {
            case DType.F32: stream.Write(MemoryMarshal.AsBytes(t.ToArray<float>().AsSpan())); break;
            case DType.F64: stream.Write(MemoryMarshal.AsBytes(t.ToArray<double>().AsSpan())); break;
            case DType.I32: stream.Write(MemoryMarshal.AsBytes(t.ToArray<int>().AsSpan())); break;
        }
    }

    /// <summary>The format's name of <paramref name="dtype"/> ("F32", "F64", "I32").</summary>
    public static string DTypeName(DType dtype) => dtype switch
    {
        DType.F32 => "F32",
        DType.F64 => "F64",
        DType.I32 => "I32",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>
    /// Reads every tensor and the metadata of the safetensors file at <paramref name="path"/>, validating the
    /// header: its size, each entry's dtype, shape and offsets (in range, matching the shape's byte length,
    /// not overlapping). Any problem raises <see cref="CheckpointException"/> naming the tensor concerned.
    /// </summary>
    public static SafeTensorsContent Load(string path)
    {
        byte[] file;
        try { file = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(null, $"cannot read '{path}': {e.Message}", e);
        }
        return Parse(file, path);
    }

    /// <summary>Parses the bytes of a safetensors file (see <see cref="Load"/>); <paramref name="source"/> names it in errors.</summary>
    public static SafeTensorsContent Parse(ReadOnlySpan<byte> file, string source = "<memory>")
    {
        if (file.Length < 8)
            throw new CheckpointException(null, $"'{source}' is truncated: {file.Length} bytes, fewer than the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderBytes)
            throw new CheckpointException(null, $"'{source}' declares a {headerLength}-byte header, more than the {MaxHeaderBytes} accepted: the file is corrupt.");
        if (headerLength > (ulong)(file.Length - 8))
            throw new CheckpointException(null, $"'{source}' is truncated: the header declares {headerLength} bytes but only {file.Length - 8} follow.");
        var headerBytes = file.Slice(8, (int)headerLength);
        var data = file[(8 + (int)headerLength)..];

        JsonDocument doc;
        try { doc = JsonDocument.Parse(headerBytes.ToArray()); }
        catch (JsonException e) { throw new CheckpointException(null, $"'{source}' has a header that is not valid JSON: {e.Message}", e); }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException(null, $"'{source}' has a header that is not a JSON object.");
            var metadata = new Dictionary<string, string>();
            var entries = new List<(string Name, DType DType, int[] Shape, long Begin, long End)>();
            var seen = new HashSet<string>();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(prop.Name)) throw new CheckpointException(prop.Name, "the header names this tensor twice.");
                if (prop.Name == MetadataKey)
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw new CheckpointException(null, "__metadata__ must be an object of strings.");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw new CheckpointException(null, $"__metadata__ entry '{m.Name}' is not a string.");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ParseEntry(prop.Name, prop.Value, data.Length));
            }

            var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
            for (int i = 1; i < ordered.Count; i++)
                if (ordered[i].Begin < ordered[i - 1].End)
                    throw new CheckpointException(ordered[i].Name, $"its bytes [{ordered[i].Begin}, {ordered[i].End}) overlap those of '{ordered[i - 1].Name}' [{ordered[i - 1].Begin}, {ordered[i - 1].End}).");

            var tensors = new Dictionary<string, Tensor>();
            foreach (var e in entries)
                tensors[e.Name] = Materialise(e.DType, e.Shape, data.Slice((int)e.Begin, (int)(e.End - e.Begin)));
            return new SafeTensorsContent(tensors, metadata);
        }
    }

    private static (string, DType, int[], long, long) ParseEntry(string name, JsonElement value, int dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new CheckpointException(name, "its header entry is not an object.");
        if (!value.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String)
            throw new CheckpointException(name, "its header entry has no string 'dtype'.");
        var dtype = dtypeEl.GetString() switch
        {
            "F32" => DType.F32,
            "F64" => DType.F64,
            "I32" => DType.I32,
            var other => throw new CheckpointException(name, $"dtype '{other}' is not supported (F32, F64 and I32 are)."),
        };
        if (!value.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array)
            throw new CheckpointException(name, "its header entry has no 'shape' array.");
        var shape = new List<int>();
        long count = 1;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int extent) || extent < 0)
                throw new CheckpointException(name, $"shape entry {d.GetRawText()} is not a non-negative 32-bit integer.");
            shape.Add(extent);
            count *= extent;
            if (count > int.MaxValue) throw new CheckpointException(name, "its shape holds more elements than a tensor can.");
        }
        if (!value.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw new CheckpointException(name, "its header entry needs 'data_offsets': [begin, end].");
        if (!offEl[0].TryGetInt64(out long begin) || !offEl[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new CheckpointException(name, $"data_offsets {offEl.GetRawText()} must be integers with 0 <= begin <= end.");
        if (end > dataLength)
            throw new CheckpointException(name, $"data_offsets [{begin}, {end}) run past the {dataLength} data bytes: the file is truncated or corrupt.");
        long expected = count * dtype.SizeOf();
        if (end - begin != expected)
            throw new CheckpointException(name, $"shape {Layout.Format(shape.ToArray())} of {dtype} needs {expected} bytes but data_offsets span {end - begin}.");
        return (name, dtype, shape.ToArray(), begin, end);
    }

    private static Tensor Materialise(DType dtype, int[] shape, ReadOnlySpan<byte> bytes)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors reading is implemented for little-endian hosts only.");
        return dtype switch
        {
            DType.F32 => Tensor.FromArray(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), shape),
            DType.F64 => Tensor.FromArray(MemoryMarshal.Cast<byte, double>(bytes).ToArray(), shape),
            _ => Tensor.FromArray(MemoryMarshal.Cast<byte, int>(bytes).ToArray(), shape),
        };
    }
}
