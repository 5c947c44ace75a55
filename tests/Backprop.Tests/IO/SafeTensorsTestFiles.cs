using System.Buffers.Binary;
using System.Text;
using Backprop.IO;

namespace Backprop.Tests.IO;

/// <summary>Builds safetensors files byte by byte, independently of the writer under test.</summary>
internal static class SafeTensorsTestFiles
{
    /// <summary>
    /// The 8-byte little-endian header length, <paramref name="header"/> as UTF-8 padded with
    /// spaces to a multiple of 8 (unless <paramref name="pad"/> is false), then <paramref name="data"/>.
    /// </summary>
    public static byte[] Build(string header, byte[]? data = null, bool pad = true) =>
        BuildRaw(Encoding.UTF8.GetBytes(header), data, pad);

    /// <summary>As <see cref="Build"/>, with the header given as bytes (which need not be UTF-8).</summary>
    public static byte[] BuildRaw(byte[] header, byte[]? data = null, bool pad = true)
    {
        int padded = pad ? (header.Length + 7) / 8 * 8 : header.Length;
        var file = new byte[8 + padded + (data?.Length ?? 0)];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data?.CopyTo(file, 8 + padded);
        return file;
    }

    /// <summary>The little-endian bytes of <paramref name="values"/>.</summary>
    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    /// <summary>The little-endian bytes of <paramref name="values"/>.</summary>
    public static byte[] Doubles(params double[] values)
    {
        var bytes = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
        return bytes;
    }

    /// <summary>The little-endian bytes of <paramref name="values"/>.</summary>
    public static byte[] Longs(params long[] values)
    {
        var bytes = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), values[i]);
        return bytes;
    }

    /// <summary>A tensor entry as the reference writer prints it.</summary>
    public static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    /// <summary>The bytes <see cref="SafeTensors.Write"/> produces.</summary>
    public static byte[] Write(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    /// <summary>Reads <paramref name="file"/> from memory, calling it <paramref name="name"/> in errors.</summary>
    public static SafeTensorsFile Read(byte[] file, string name = "test.safetensors")
    {
        using var stream = new MemoryStream(file);
        return SafeTensors.Read(stream, file.Length, name);
    }
}
