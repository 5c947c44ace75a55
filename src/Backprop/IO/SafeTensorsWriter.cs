using Backprop.Kernels;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Backprop.IO;

/// <summary>
/// Lays out a safetensors file: checks the arguments, orders the tensors as the reference
/// writer does (element type descending, then name by UTF-8 bytes), builds the header JSON
/// byte for byte as <c>serde_json</c> prints it, and streams the data.
/// </summary>
internal sealed class SafeTensorsWriter
{
    /// <summary>Elements converted to bytes per write, so no span passes int.MaxValue bytes.</summary>
    private const int ChunkElements = 1 << 20;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _header;
    private readonly Tensor[] _tensors;

    private SafeTensorsWriter(byte[] header, Tensor[] tensors)
    {
        _header = header;
        _tensors = tensors;
    }

    /// <summary>Checks the arguments and builds the header; writes nothing.</summary>
    public static SafeTensorsWriter Prepare(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);

        var entries = new List<(byte[] Name, Tensor Tensor)>(tensors.Count);
        foreach ((string name, Tensor? tensor) in tensors)
        {
            if (name == SafeTensors.MetadataKey)
                throw new ArgumentException($"SafeTensors: a tensor cannot be named \"{SafeTensors.MetadataKey}\"; the format keeps that name for the metadata", nameof(tensors));
            if (tensor is null)
                throw new ArgumentException($"SafeTensors: tensor \"{name}\" is null", nameof(tensors));
            entries.Add((Utf8(name, "tensor name", nameof(tensors)), tensor));
        }
        entries.Sort((a, b) =>
        {
            int byType = SafeTensorsDTypes.WriteOrder(b.Tensor.DType).CompareTo(SafeTensorsDTypes.WriteOrder(a.Tensor.DType));
            return byType != 0 ? byType : a.Name.AsSpan().SequenceCompareTo(b.Name);
        });

        var json = new List<byte>(64 + 96 * entries.Count);
        json.Add((byte)'{');
        bool first = true;
        if (metadata is { Count: > 0 })
        {
            AppendMetadata(json, metadata);
            first = false;
        }
        long offset = 0;
        foreach ((byte[] name, Tensor tensor) in entries)
        {
            if (!first) json.Add((byte)',');
            first = false;
            long end = offset + (long)tensor.Count * SafeTensorsDTypes.Size(tensor.DType);
            AppendString(json, name);
            AppendAscii(json, $":{{\"dtype\":\"{SafeTensorsDTypes.Name(tensor.DType)}\",\"shape\":[");
            AppendAscii(json, string.Join(",", tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))));
            AppendAscii(json, FormattableString.Invariant($"],\"data_offsets\":[{offset},{end}]}}"));
            offset = end;
            if (json.Count > SafeTensors.MaxHeaderLength) break;
        }
        json.Add((byte)'}');
        while (json.Count % 8 != 0) json.Add((byte)' ');
        if (json.Count > SafeTensors.MaxHeaderLength)
            throw new ArgumentException($"SafeTensors: the header for {entries.Count} tensors would pass the {SafeTensors.MaxHeaderLength:N0}-byte limit readers accept", nameof(tensors));

        return new SafeTensorsWriter([.. json], [.. entries.Select(e => e.Tensor)]);
    }

    /// <summary>Writes the length, the header and the data to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)_header.Length);
        stream.Write(length);
        stream.Write(_header);
        foreach (Tensor tensor in _tensors)
        {
            if (tensor.Count == 0) continue; // no bytes (and no copy: an empty view may not count as contiguous)
            Tensor contiguous = StridedCopy.ToContiguous(tensor);
            switch (contiguous.DType)
            {
                case DType.Float32: WriteData<float, uint>(stream, contiguous.Span<float>()); break;
                case DType.Float64: WriteData<double, ulong>(stream, contiguous.Span<double>()); break;
                case DType.Bool: stream.Write(MemoryMarshal.AsBytes(contiguous.Span<bool>())); break; // one byte each, 0 or 1
                default: WriteData<long, ulong>(stream, contiguous.Span<long>()); break;
            }
        }
    }

    /// <summary>Writes <paramref name="data"/> little-endian, in chunks (<typeparamref name="TBits"/> is the same-sized integer, for byte swapping).</summary>
    private static void WriteData<T, TBits>(Stream stream, ReadOnlySpan<T> data)
        where T : unmanaged
        where TBits : unmanaged
    {
        T[]? swapped = BitConverter.IsLittleEndian ? null : new T[Math.Min(data.Length, ChunkElements)];
        for (int start = 0; start < data.Length; start += ChunkElements)
        {
            ReadOnlySpan<T> chunk = data.Slice(start, Math.Min(ChunkElements, data.Length - start));
            if (swapped is not null)
            {
                chunk.CopyTo(swapped);
                chunk = swapped.AsSpan(0, chunk.Length);
                SafeTensorsReader.ReverseEndianness<T, TBits>(swapped.AsSpan(0, chunk.Length));
            }
            stream.Write(MemoryMarshal.AsBytes(chunk));
        }
    }

    /// <summary>Appends <c>"__metadata__":{...}</c>, keys in UTF-8 byte order.</summary>
    private static void AppendMetadata(List<byte> json, IReadOnlyDictionary<string, string> metadata)
    {
        var pairs = new List<(byte[] Key, byte[] Value)>(metadata.Count);
        foreach ((string key, string? value) in metadata)
        {
            if (value is null)
                throw new ArgumentException($"SafeTensors: metadata \"{key}\" is null; metadata values are strings", nameof(metadata));
            pairs.Add((Utf8(key, "metadata key", nameof(metadata)), Utf8(value, $"metadata value of \"{key}\"", nameof(metadata))));
        }
        pairs.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));

        AppendAscii(json, $"\"{SafeTensors.MetadataKey}\":{{");
        for (int i = 0; i < pairs.Count; i++)
        {
            if (i > 0) json.Add((byte)',');
            AppendString(json, pairs[i].Key);
            json.Add((byte)':');
            AppendString(json, pairs[i].Value);
        }
        json.Add((byte)'}');
    }

    /// <summary>
    /// Appends a JSON string as <c>serde_json</c> writes it: <c>"</c> and <c>\</c> escaped,
    /// control characters as <c>\b \t \n \f \r</c> or <c>\u00xx</c> (lowercase hex), everything
    /// else, non-ASCII included, as raw UTF-8.
    /// </summary>
    private static void AppendString(List<byte> json, byte[] utf8)
    {
        json.Add((byte)'"');
        foreach (byte b in utf8)
        {
            switch (b)
            {
                case (byte)'"': json.Add((byte)'\\'); json.Add((byte)'"'); break;
                case (byte)'\\': json.Add((byte)'\\'); json.Add((byte)'\\'); break;
                case (byte)'\b': json.Add((byte)'\\'); json.Add((byte)'b'); break;
                case (byte)'\t': json.Add((byte)'\\'); json.Add((byte)'t'); break;
                case (byte)'\n': json.Add((byte)'\\'); json.Add((byte)'n'); break;
                case (byte)'\f': json.Add((byte)'\\'); json.Add((byte)'f'); break;
                case (byte)'\r': json.Add((byte)'\\'); json.Add((byte)'r'); break;
                case < 0x20: AppendAscii(json, $"\\u00{b:x2}"); break;
                default: json.Add(b); break;
            }
        }
        json.Add((byte)'"');
    }

    private static void AppendAscii(List<byte> json, string ascii)
    {
        foreach (char c in ascii) json.Add((byte)c);
    }

    /// <summary>The UTF-8 bytes of <paramref name="text"/>; a lone surrogate is an <see cref="ArgumentException"/>.</summary>
    private static byte[] Utf8(string text, string what, string parameter)
    {
        try
        {
            return s_strictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException($"SafeTensors: {what} \"{text}\" is not valid UTF-16 (it holds a lone surrogate), so it has no UTF-8 form", parameter);
        }
    }
}
