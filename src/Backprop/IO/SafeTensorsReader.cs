using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Backprop.IO;

/// <summary>
/// Reads one safetensors file from a stream, treating it as hostile: every number in the header
/// is checked against the file before it is used, and the whole header is checked before any
/// tensor data is allocated. Any problem is an <see cref="InvalidDataException"/> naming the
/// file and the first problem found.
/// </summary>
internal sealed class SafeTensorsReader
{
    /// <summary>Elements read per call, so no byte span passes int.MaxValue bytes.</summary>
    private const int ChunkElements = 1 << 20;

    /// <summary>The longest tensor or metadata name quoted in full in a message.</summary>
    private const int MaxQuotedLength = 120;

    private readonly Stream _stream;
    private readonly long _length;
    private readonly string _source;

    /// <summary>A reader of <paramref name="length"/> bytes of <paramref name="stream"/>, called <paramref name="source"/> in messages.</summary>
    public SafeTensorsReader(Stream stream, long length, string source)
    {
        _stream = stream;
        _length = length;
        _source = source;
    }

    /// <summary>A tensor's header entry, checked against the data buffer.</summary>
    private sealed record Entry(string Name, DType DType, int[] Shape, long Begin, long End, int Count);

    /// <summary>Reads and checks the whole file.</summary>
    public SafeTensorsFile Read()
    {
        if (_length < 8)
            throw Invalid($"it is {_length} bytes long, too short for the 8-byte header length that starts every safetensors file");
        if (_stream.CanSeek && _stream.Length - _stream.Position < _length)
            throw Invalid($"it should be {_length:N0} bytes long but only {Math.Max(0, _stream.Length - _stream.Position):N0} can be read (truncated?)");

        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(prefix, "the header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > SafeTensors.MaxHeaderLength)
            throw Invalid($"the header length {headerLength:N0} is over the {SafeTensors.MaxHeaderLength:N0}-byte limit (is this a safetensors file?)");
        if ((long)headerLength > _length - 8)
            throw Invalid($"the header length {headerLength:N0} runs past the end of the file ({_length:N0} bytes; truncated, or not a safetensors file?)");

        var header = new byte[headerLength];
        ReadExactly(header, "the end of the header");
        long dataLength = _length - 8 - (long)headerLength;

        (List<Entry> entries, Dictionary<string, string> metadata) = ParseHeader(header, dataLength);
        CheckLayout(entries, dataLength);

        var tensors = new Dictionary<string, Tensor>(entries.Count, StringComparer.Ordinal);
        foreach (Entry entry in entries)
            tensors.Add(entry.Name, ReadTensor(entry));
        return new SafeTensorsFile(tensors, metadata);
    }

    /// <summary>Parses the header JSON into entries sorted by position, and the metadata.</summary>
    private (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(byte[] header, long dataLength)
    {
        if (!Utf8.IsValid(header))
            throw Invalid("the header is not valid UTF-8");
        CountEntries(header);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Invalid($"the header is not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Invalid($"the header is a JSON {Kind(root)}, not an object of tensor entries");

            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw Invalid($"the header names {Quote(property.Name)} twice");
                if (property.Name == SafeTensors.MetadataKey)
                    ParseMetadata(property.Value, metadata);
                else if (entries.Count == SafeTensors.MaxTensorCount)
                    throw Invalid($"the header lists more than {SafeTensors.MaxTensorCount:N0} tensors, the most Backprop reads");
                else
                    entries.Add(ParseEntry(property.Name, property.Value, dataLength));
            }
            // As the reference reader does: order by byte range, then check they tile the buffer.
            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            return (entries, metadata);
        }
    }

    /// <summary>
    /// Counts the header's top-level names in one streaming pass, before the header is parsed
    /// into a document: a document of millions of entries costs far more memory than the text.
    /// JSON errors are left to the full parse, which reports them.
    /// </summary>
    private void CountEntries(byte[] header)
    {
        var reader = new Utf8JsonReader(header);
        int names = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && ++names > SafeTensors.MaxTensorCount + 1)
                    throw Invalid($"the header lists more than {SafeTensors.MaxTensorCount:N0} tensors, the most Backprop reads");
            }
        }
        catch (JsonException)
        {
            // reported, with its position, by JsonDocument.Parse
        }
    }

    private void ParseMetadata(JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Invalid($"\"{SafeTensors.MetadataKey}\" is a JSON {Kind(element)}, not an object of strings");
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
                throw Invalid($"metadata {Quote(property.Name)} is a JSON {Kind(property.Value)}; metadata values must be strings");
            if (!metadata.TryAdd(property.Name, property.Value.GetString()!))
                throw Invalid($"the metadata names {Quote(property.Name)} twice");
        }
    }

    /// <summary>Checks one tensor entry: its fields, dtype, shape, and byte range against its size and the data buffer.</summary>
    private Entry ParseEntry(string name, JsonElement element, long dataLength)
    {
        string tensor = $"tensor {Quote(name)}";
        if (element.ValueKind != JsonValueKind.Object)
            throw Invalid($"{tensor} is a JSON {Kind(element)}, not an object with \"dtype\", \"shape\" and \"data_offsets\"");

        JsonElement? dtypeField = null, shapeField = null, offsetsField = null;
        foreach (JsonProperty field in element.EnumerateObject())
        {
            ref JsonElement? slot = ref dtypeField;
            switch (field.Name)
            {
                case "dtype": break;
                case "shape": slot = ref shapeField; break;
                case "data_offsets": slot = ref offsetsField; break;
                default: continue; // unknown fields are ignored, as the reference reader does
            }
            if (slot is not null)
                throw Invalid($"{tensor} has \"{field.Name}\" twice");
            slot = field.Value;
        }
        JsonElement dtypeValue = dtypeField ?? throw Invalid($"{tensor} has no \"dtype\"");
        JsonElement shapeValue = shapeField ?? throw Invalid($"{tensor} has no \"shape\"");
        JsonElement offsetsValue = offsetsField ?? throw Invalid($"{tensor} has no \"data_offsets\"");

        // dtype
        if (dtypeValue.ValueKind != JsonValueKind.String)
            throw Invalid($"{tensor}: \"dtype\" is a JSON {Kind(dtypeValue)}, not a string such as \"F32\"");
        string dtypeName = dtypeValue.GetString()!;
        if (!SafeTensorsDTypes.TryParse(dtypeName, out DType dtype))
        {
            throw Invalid(SafeTensorsDTypes.IsOtherFormatType(dtypeName)
                ? $"{tensor} has dtype {dtypeName}, which Backprop has no tensor type for (it reads {SafeTensorsDTypes.Supported})"
                : $"{tensor} has unknown dtype {Quote(dtypeName)} (Backprop reads {SafeTensorsDTypes.Supported})");
        }

        // shape
        if (shapeValue.ValueKind != JsonValueKind.Array)
            throw Invalid($"{tensor}: \"shape\" is a JSON {Kind(shapeValue)}, not an array of sizes");
        var shape = new int[shapeValue.GetArrayLength()];
        UInt128 count = 1;
        bool overflow = false;
        int i = 0;
        foreach (JsonElement dim in shapeValue.EnumerateArray())
        {
            if (!TryNonNegative(dim, out ulong size))
                throw Invalid($"{tensor}: shape {Raw(shapeValue)} has {Raw(dim)} as a size; sizes are integers from 0 up");
            if (size > int.MaxValue)
                throw Invalid($"{tensor}: shape {Raw(shapeValue)} has size {size:N0}; Backprop tensor sizes go up to {int.MaxValue:N0}");
            shape[i++] = (int)size;
            count *= size;
            overflow |= count > ulong.MaxValue;
            if (overflow) count = 1; // keep multiplying within range; the flag remembers
        }
        if (shape.Contains(0)) { count = 0; overflow = false; }
        int elementSize = SafeTensorsDTypes.Size(dtype);
        if (overflow || count * (uint)elementSize > long.MaxValue)
            throw Invalid($"{tensor}: shape {Raw(shapeValue)} of {dtypeName} needs more bytes than a file can hold (the size overflows)");
        long bytes = (long)count * elementSize;

        // data_offsets
        if (offsetsValue.ValueKind != JsonValueKind.Array || offsetsValue.GetArrayLength() != 2)
            throw Invalid($"{tensor}: \"data_offsets\" is {Raw(offsetsValue)}, not an array of two byte offsets [begin, end]");
        if (!TryNonNegative(offsetsValue[0], out ulong begin) || !TryNonNegative(offsetsValue[1], out ulong end))
            throw Invalid($"{tensor}: data_offsets {Raw(offsetsValue)} are not two non-negative integers");
        if (end < begin)
            throw Invalid($"{tensor}: data_offsets [{begin},{end}] end before they begin");
        if (end > (ulong)dataLength)
            throw Invalid($"{tensor}: data_offsets [{begin},{end}] run past the end of the data buffer ({dataLength:N0} bytes; truncated?)");
        if ((long)(end - begin) != bytes)
            throw Invalid($"{tensor}: shape {Raw(shapeValue)} of {dtypeName} needs {bytes:N0} bytes but data_offsets [{begin},{end}] hold {end - begin:N0}");
        if (count > (ulong)Array.MaxLength)
            throw Invalid($"{tensor}: shape {Raw(shapeValue)} holds {count:N0} elements; a Backprop tensor holds at most {Array.MaxLength:N0}");

        return new Entry(name, dtype, shape, (long)begin, (long)end, (int)count);
    }

    /// <summary>Checks that the byte ranges, sorted, tile the data buffer: no overlap, no gap, nothing after the last.</summary>
    private void CheckLayout(List<Entry> entries, long dataLength)
    {
        long expected = 0;
        Entry? previous = null;
        foreach (Entry entry in entries)
        {
            if (entry.Begin < expected)
                throw Invalid($"tensor {Quote(entry.Name)} (bytes [{entry.Begin},{entry.End})) overlaps tensor {Quote(previous!.Name)} (bytes [{previous.Begin},{previous.End}))");
            if (entry.Begin > expected)
                throw Invalid($"bytes [{expected},{entry.Begin}) of the data buffer belong to no tensor (the format stores tensors without gaps)");
            expected = entry.End;
            previous = entry;
        }
        if (expected != dataLength)
            throw Invalid($"the data buffer is {dataLength:N0} bytes but the tensors cover only {expected:N0}; the last {dataLength - expected:N0} bytes belong to no tensor");
    }

    /// <summary>Reads the next tensor's bytes (the stream is at its begin offset: the ranges tile the buffer in order).</summary>
    private Tensor ReadTensor(Entry entry) => entry.DType switch
    {
        DType.Float32 => Tensor.Wrap(ReadData<float, uint>(entry), entry.Shape),
        DType.Float64 => Tensor.Wrap(ReadData<double, ulong>(entry), entry.Shape),
        DType.Bool => Tensor.Wrap(Array.ConvertAll(ReadData<byte, byte>(entry), b => b != 0), entry.Shape),
        _ => Tensor.Wrap(ReadData<long, ulong>(entry), entry.Shape),
    };

    private T[] ReadData<T, TBits>(Entry entry)
        where T : unmanaged
        where TBits : unmanaged
    {
        var data = new T[entry.Count];
        for (int start = 0; start < data.Length; start += ChunkElements)
        {
            Span<T> chunk = data.AsSpan(start, Math.Min(ChunkElements, data.Length - start));
            ReadExactly(MemoryMarshal.AsBytes(chunk), $"the data of tensor {Quote(entry.Name)}");
            if (!BitConverter.IsLittleEndian) ReverseEndianness<T, TBits>(chunk);
        }
        return data;
    }

    /// <summary>Swaps the bytes of each element (<typeparamref name="TBits"/> is the integer type of the same size).</summary>
    internal static void ReverseEndianness<T, TBits>(Span<T> values)
        where T : unmanaged
        where TBits : unmanaged
    {
        if (typeof(TBits) == typeof(byte)) return; // single bytes have no order
        if (typeof(TBits) == typeof(uint)) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, uint>(values), MemoryMarshal.Cast<T, uint>(values));
        else BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, ulong>(values), MemoryMarshal.Cast<T, ulong>(values));
    }

    private void ReadExactly(Span<byte> buffer, string what)
    {
        try
        {
            _stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw Invalid($"it ends before {what} (truncated?)", e);
        }
    }

    /// <summary>A JSON integer from 0 to <see cref="ulong.MaxValue"/> (no fraction, no exponent).</summary>
    private static bool TryNonNegative(JsonElement element, out ulong value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetUInt64(out value);
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>The element's JSON text, shortened for a message.</summary>
    private static string Raw(JsonElement element) => Shorten(element.GetRawText());

    /// <summary><paramref name="name"/> in double quotes, control characters escaped and long names shortened.</summary>
    private static string Quote(string name)
    {
        var text = new StringBuilder("\"");
        foreach (char c in Shorten(name))
            text.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return text.Append('"').ToString();
    }

    private static string Shorten(string text) =>
        text.Length <= MaxQuotedLength ? text : string.Concat(text.AsSpan(0, MaxQuotedLength), "…");

    private InvalidDataException Invalid(string what, Exception? inner = null) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{_source} is not a valid safetensors file: {what}"), inner);
}
