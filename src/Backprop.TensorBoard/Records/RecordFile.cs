using System.Buffers.Binary;

namespace Backprop.TensorBoard.Records;

/// <summary>
/// An append-only file of TFRecord records: each is the data's length (uint64, little-endian),
/// the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
/// </summary>
/// <remarks>
/// Each record is assembled in memory and handed to the operating system in one write, with no
/// buffer in this process, so a process that crashes or is killed leaves only whole records
/// behind. <see cref="Flush"/> also asks the operating system to put the file on the disk; a
/// power failure before that can cut the last record short, which TensorBoard's reader treats
/// as not yet written.
/// </remarks>
internal sealed class RecordFile : IDisposable
{
    /// <summary>Bytes a record adds to its data: length, length CRC, data CRC.</summary>
    public const int Overhead = 8 + 4 + 4;

    private readonly FileStream _stream;

    /// <summary>Creates the file; it must not exist yet.</summary>
    /// <param name="path">The new file.</param>
    /// <exception cref="IOException">The file exists or cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written.</exception>
    public RecordFile(string path)
    {
        // bufferSize 0: no buffer in this process, every Write goes straight to the operating system.
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
    }

    /// <summary>Appends one record holding <paramref name="data"/>.</summary>
    /// <param name="data">The record's bytes (a serialized Event).</param>
    public void Write(ReadOnlySpan<byte> data)
    {
        var record = new byte[data.Length + Overhead];
        Span<byte> span = record;
        BinaryPrimitives.WriteUInt64LittleEndian(span, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], Crc32C.Masked(span[..8]));
        data.CopyTo(span[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(12 + data.Length)..], Crc32C.Masked(data));
        _stream.Write(record);
    }

    /// <summary>Puts what was written on the disk (fsync).</summary>
    public void Flush() => _stream.Flush(flushToDisk: true);

    /// <summary>Flushes to the disk and closes the file.</summary>
    public void Dispose()
    {
        try
        {
            Flush();
        }
        finally
        {
            _stream.Dispose();
        }
    }
}
