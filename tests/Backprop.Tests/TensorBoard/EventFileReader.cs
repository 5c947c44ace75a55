using System.Buffers.Binary;
using System.Text;

namespace Backprop.Tests.TensorBoard;

/// <summary>A histogram as an event file holds it.</summary>
public sealed record HistogramView(double Min, double Max, double Num, double Sum, double SumSquares, double[] BucketLimit, double[] Bucket);

/// <summary>One summary value: a tag with a scalar or a histogram.</summary>
public sealed record ValueView(string Tag, float? Scalar, HistogramView? Histogram);

/// <summary>One event: its time, step, and either the file version or summary values.</summary>
public sealed record EventView(double WallTime, long Step, string? FileVersion, string? Writer, IReadOnlyList<ValueView> Values);

/// <summary>
/// Reads an event file without the library: TFRecord framing checked with a bitwise CRC-32C of
/// its own (not the library's table), and a minimal protobuf wire reader for the fields of
/// TensorBoard's Event, Summary, Summary.Value and HistogramProto (field numbers from
/// event.proto, summary.proto and histogram.proto).
/// </summary>
public static class EventFileReader
{
    /// <summary>CRC-32C, one bit at a time (reflected polynomial 0x82F63B78).</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
        }
        return ~crc;
    }

    /// <summary>TFRecord's mask: rotate right by 15, add 0xa282ead8.</summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8);

    /// <summary>The records' data, every length CRC and data CRC checked.</summary>
    /// <exception cref="InvalidDataException">A CRC does not match or the file ends inside a record; the message says which and where.</exception>
    public static List<byte[]> Records(byte[] file)
    {
        var records = new List<byte[]>();
        int at = 0;
        while (at < file.Length)
        {
            if (file.Length - at < 12) throw new InvalidDataException($"record at byte {at}: the file ends inside its header");
            ReadOnlySpan<byte> header = file.AsSpan(at, 8);
            if (Mask(Crc32C(header)) != BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8)))
                throw new InvalidDataException($"record at byte {at}: length CRC mismatch");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            if ((ulong)(file.Length - at - 12) < length + 4) throw new InvalidDataException($"record at byte {at}: the file ends inside its data");
            byte[] data = file.AsSpan(at + 12, (int)length).ToArray();
            if (Mask(Crc32C(data)) != BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12 + (int)length)))
                throw new InvalidDataException($"record at byte {at}: data CRC mismatch");
            records.Add(data);
            at += 12 + (int)length + 4;
        }
        return records;
    }

    /// <summary>Every event of the file.</summary>
    public static List<EventView> Read(string path) => [.. Records(File.ReadAllBytes(path)).Select(ParseEvent)];

    /// <summary>The events of the single event file in <paramref name="dir"/>.</summary>
    public static List<EventView> ReadFolder(string dir) => Read(Assert.Single(Directory.GetFiles(dir, "events.out.tfevents.*")));

    private static EventView ParseEvent(byte[] data)
    {
        double wall = 0;
        long step = 0;
        string? version = null, writer = null;
        var values = new List<ValueView>();
        foreach (Field f in Fields(data))
        {
            switch (f.Number)
            {
                case 1: wall = BitConverter.UInt64BitsToDouble(f.Wire(1).Scalar); break;
                case 2: step = (long)f.Wire(0).Scalar; break;
                case 3: version = Encoding.UTF8.GetString(f.Wire(2).Bytes); break;
                case 5:
                    foreach (Field v in Fields(f.Wire(2).Bytes).Where(v => v.Number == 1)) values.Add(ParseValue(v.Wire(2).Bytes));
                    break;
                case 10: writer = Encoding.UTF8.GetString(Fields(f.Wire(2).Bytes).Single(w => w.Number == 1).Wire(2).Bytes); break;
                default: throw new InvalidDataException($"Event field {f.Number} is not expected from this writer");
            }
        }
        return new EventView(wall, step, version, writer, values);
    }

    private static ValueView ParseValue(byte[] data)
    {
        string tag = "";
        float? scalar = null;
        HistogramView? histogram = null;
        foreach (Field f in Fields(data))
        {
            switch (f.Number)
            {
                case 1: tag = Encoding.UTF8.GetString(f.Wire(2).Bytes); break;
                case 2: scalar = BitConverter.UInt32BitsToSingle((uint)f.Wire(5).Scalar); break;
                case 5: histogram = ParseHistogram(f.Wire(2).Bytes); break;
                default: throw new InvalidDataException($"Summary.Value field {f.Number} is not expected from this writer");
            }
        }
        return new ValueView(tag, scalar, histogram);
    }

    private static HistogramView ParseHistogram(byte[] data)
    {
        var d = new double[5];
        List<double> limits = [], buckets = [];
        foreach (Field f in Fields(data))
        {
            if (f.Number is >= 1 and <= 5) d[f.Number - 1] = BitConverter.UInt64BitsToDouble(f.Wire(1).Scalar);
            else if (f.Number is 6 or 7)
            {
                List<double> target = f.Number == 6 ? limits : buckets;
                if (f.WireType == 1) target.Add(BitConverter.UInt64BitsToDouble(f.Scalar));
                else
                {
                    byte[] packed = f.Wire(2).Bytes;
                    if (packed.Length % 8 != 0) throw new InvalidDataException("packed doubles of a length not a multiple of 8");
                    for (int i = 0; i < packed.Length; i += 8) target.Add(BinaryPrimitives.ReadDoubleLittleEndian(packed.AsSpan(i)));
                }
            }
            else throw new InvalidDataException($"HistogramProto field {f.Number} is not expected");
        }
        return new HistogramView(d[0], d[1], d[2], d[3], d[4], [.. limits], [.. buckets]);
    }

    /// <summary>A protobuf field: its number, wire type, and its varint/fixed value or its bytes.</summary>
    private sealed record Field(int Number, int WireType, ulong Scalar, byte[] Bytes)
    {
        public Field Wire(int expected) => WireType == expected ? this
            : throw new InvalidDataException($"field {Number}: wire type {WireType}, expected {expected}");
    }

    private static IEnumerable<Field> Fields(byte[] data)
    {
        int at = 0;
        while (at < data.Length)
        {
            ulong key = Varint(data, ref at);
            int number = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return new Field(number, wire, Varint(data, ref at), []); break;
                case 1: yield return new Field(number, wire, BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(at, 8)), []); at += 8; break;
                case 5: yield return new Field(number, wire, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at, 4)), []); at += 4; break;
                case 2:
                    int length = checked((int)Varint(data, ref at));
                    yield return new Field(number, wire, 0, data.AsSpan(at, length).ToArray());
                    at += length;
                    break;
                default: throw new InvalidDataException($"wire type {wire} at byte {at}");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("varint longer than 10 bytes");
    }
}
