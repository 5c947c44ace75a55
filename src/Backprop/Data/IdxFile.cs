using System.Buffers.Binary;
using System.IO.Compression;

namespace Backprop.Data;

/// <summary>
/// An open IDX file whose header has been read and checked, with its data still to read:
/// the reader behind <see cref="IdxArray.Read"/> and <see cref="Mnist"/>. Gzip-compressed files
/// (those starting with the bytes 1f 8b) are decompressed as they are read.
/// </summary>
/// <remarks>
/// Nothing in the header is trusted. Every size is checked against the data that is actually
/// there before anything is allocated from it: a plain file's length is known up front; a
/// compressed file's data is read in growing chunks (or, when the header declares more than
/// an array can hold, counted without being kept), so a hostile header costs at most as much
/// memory as the data really present. Every problem is an <see cref="InvalidDataException"/>
/// that names the file.
/// </remarks>
internal sealed class IdxFile : IDisposable
{
    /// <summary>The IDX type code of unsigned bytes, the only element type read.</summary>
    public const byte UnsignedByte = 0x08;

    private const int MaxChunk = 1 << 20;

    /// <summary>The most data bytes a file may declare unless the caller allows more: 256 MiB (MNIST's 60,000 training images take 47 MB).</summary>
    public const long DefaultMaxBytes = 256L << 20;

    private readonly Stream _file;
    private readonly Stream _data;
    private readonly bool _compressed;
    private long _decompressed;

    private IdxFile(string path, Stream file, Stream data, bool compressed)
    {
        Path = path;
        _file = file;
        _data = data;
        _compressed = compressed;
    }

    /// <summary>The path the file was opened with, for messages.</summary>
    public string Path { get; }

    /// <summary>The magic number: two zero bytes, the type code, the number of dimensions.</summary>
    public int Magic { get; private set; }

    /// <summary>The number of dimensions the header declares (at least 1).</summary>
    public int Rank => Dimensions.Length;

    /// <summary>The size of each dimension as declared, unchecked against the data (each below 2^32).</summary>
    public long[] Dimensions { get; private set; } = [];

    /// <summary>The product of <see cref="Dimensions"/>, the number of data bytes declared; <see cref="long.MaxValue"/> when it is larger.</summary>
    public long DeclaredBytes { get; private set; }

    /// <summary>The dimensions as a description: "10000 x 28 x 28".</summary>
    public string DescribeDimensions() => string.Join(" x ", Dimensions);

    /// <summary>
    /// Opens <paramref name="path"/> and reads its header: the magic number (two zero bytes,
    /// type code <see cref="UnsignedByte"/>, the number of dimensions) and one big-endian
    /// 32-bit size per dimension.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such file, or the path is a folder.</exception>
    /// <exception cref="InvalidDataException">The file is not an IDX file of unsigned bytes, or its header is cut short.</exception>
    public static IdxFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new FileNotFoundException($"{path} is a folder, not an IDX file (Mnist.LoadFolder finds the files in a folder)", path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            Span<byte> start = stackalloc byte[2];
            int got = file.ReadAtLeast(start, 2, throwOnEndOfStream: false);
            file.Position = 0;
            bool compressed = got == 2 && start[0] == 0x1f && start[1] == 0x8b;
            Stream data = compressed ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
            var idx = new IdxFile(path, file, data, compressed);
            try
            {
                idx.ReadHeader();
                return idx;
            }
            catch
            {
                idx.Dispose();
                throw;
            }
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private void ReadHeader()
    {
        Span<byte> magic = stackalloc byte[4];
        int got = ReadUpTo(magic);
        if (got == 0)
            throw Problem("empty: an IDX file starts with a 4-byte magic number");
        if (got < 4)
            throw Problem($"truncated header: {got} bytes, fewer than the 4 of the magic number");
        Magic = BinaryPrimitives.ReadInt32BigEndian(magic);
        if (magic[0] != 0 || magic[1] != 0)
            throw Problem($"wrong magic number 0x{Magic:X8}: not an IDX file (its magic number starts with two zero bytes, as 0x00000803 for MNIST images)");
        if (magic[2] != UnsignedByte)
            throw Problem($"IDX element type 0x{magic[2]:X2} ({TypeName(magic[2])}) in magic number 0x{Magic:X8} is not supported: only 0x08, unsigned bytes, as MNIST uses");
        int rank = magic[3];
        if (rank == 0)
            throw Problem($"magic number 0x{Magic:X8} declares 0 dimensions; an IDX array has at least 1");

        Span<byte> sizes = stackalloc byte[4 * 255];
        sizes = sizes[..(4 * rank)];
        got = ReadUpTo(sizes);
        if (got < sizes.Length)
            throw Problem($"truncated header: the magic number declares {rank} dimensions, whose sizes take {sizes.Length} bytes, but only {got} follow it");

        Dimensions = new long[rank];
        long product = 1;
        for (int d = 0; d < rank; d++)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(sizes.Slice(4 * d, 4));
            Dimensions[d] = size;
            product = size == 0 || product == 0 ? 0 : product > long.MaxValue / size ? long.MaxValue : product * size;
        }
        DeclaredBytes = product; // 0 when any dimension is 0, whatever the others say
    }

    /// <summary>
    /// Refuses a header that declares more than <paramref name="maxBytes"/> of data, before any
    /// is read: a small compressed file can expand to gigabytes (zeros compress a thousandfold).
    /// </summary>
    /// <param name="maxBytes">The limit the caller accepts.</param>
    /// <exception cref="InvalidDataException">The header declares more.</exception>
    public void CheckLimit(long maxBytes)
    {
        if (DeclaredBytes > maxBytes)
            throw Problem($"the header declares {DescribeDimensions()} = {(DeclaredBytes == long.MaxValue ? "more than 2^63" : DeclaredBytes.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes of data, more than the limit of {maxBytes >> 20} MiB; raise the limit if the file really is that large");
    }

    /// <summary>
    /// Reads the data the header declares, checking that exactly that much follows it; reading
    /// stops shortly after the declared size, however much more a compressed file would expand to.
    /// </summary>
    /// <param name="maxBytes">
    /// The most data bytes the header may declare: a plain file's length is checked first (so a
    /// short file says "truncated"), a compressed file's declaration before anything is decompressed.
    /// </param>
    /// <returns>The data bytes, row-major.</returns>
    /// <exception cref="InvalidDataException">
    /// The data is cut short, longer than declared, larger than one array holds or than
    /// <paramref name="maxBytes"/>, or (compressed) corrupt or followed by other bytes.
    /// </exception>
    public byte[] ReadData(long maxBytes = DefaultMaxBytes)
    {
        long declared = DeclaredBytes;
        string declaration = $"the header declares {DescribeDimensions()} = {(declared == long.MaxValue ? "more than 2^63" : declared.ToString())} bytes of data";
        byte[] data;
        if (!_compressed)
        {
            long available = _file.Length - _file.Position;
            if (available < declared)
                throw Problem($"truncated: {declaration} but only {available} follow the header");
            if (available > declared)
                throw Problem($"{declaration} but {available} follow the header ({available - declared} too many)");
            CheckLimit(maxBytes);
            CheckFitsInArray(declared, declaration);
            data = GC.AllocateUninitializedArray<byte>((int)declared);
            _file.ReadExactly(data);
            return data;
        }

        CheckLimit(maxBytes);
        if (declared > Array.MaxLength)
        {
            // Count what is there without keeping it, to say whether the file is cut short.
            long present = CountUpTo(declared);
            if (present < declared)
                throw Problem($"truncated: {declaration} but only {present} follow the header (decompressed)");
        }
        CheckFitsInArray(declared, declaration);

        // Grow the buffer as data arrives, so a false size in the header cannot make us allocate.
        data = new byte[(int)Math.Min(declared, MaxChunk)];
        int filled = 0;
        while (filled < declared)
        {
            if (filled == data.Length)
                Array.Resize(ref data, (int)Math.Min(declared, (long)data.Length * 2));
            int read = Read(data.AsSpan(filled));
            if (read == 0)
                throw Problem($"truncated: {declaration} but only {filled} follow the header (decompressed)");
            filled += read;
        }
        // Look a little past the promised size, never to the end: a gzip bomb's tail is not decompressed.
        long extra = CountUpTo(MaxChunk);
        if (extra != 0)
        {
            throw Problem(extra < MaxChunk
                ? $"{declaration} but {declared + extra} follow the header (decompressed) ({extra} too many)"
                : $"{declaration} but at least {declared + extra} follow the header (decompressed) (at least {extra} too many)");
        }
        CheckGzipTrailer();
        return data;
    }

    /// <summary>
    /// A gzip file ends with the size of what it decompresses to (mod 2^32). Bytes appended after
    /// the compressed stream (garbage the decompressor skips) break that equality.
    /// </summary>
    private void CheckGzipTrailer()
    {
        if (_file.Length < 4) return;
        Span<byte> trailer = stackalloc byte[4];
        _file.Position = _file.Length - 4;
        _file.ReadExactly(trailer);
        uint recorded = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        if (recorded != (uint)_decompressed)
            throw Problem($"the gzip stream decompresses to {_decompressed} bytes but the file's last 4 bytes say {recorded}: data after the compressed stream, or a damaged file");
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        if (_compressed) _data.Dispose();
        _file.Dispose();
    }

    /// <summary>An <see cref="InvalidDataException"/> whose message starts with the file's path.</summary>
    public InvalidDataException Problem(string message, Exception? inner = null) => new($"{Path}: {message}", inner);

    private void CheckFitsInArray(long declared, string declaration)
    {
        if (declared > Array.MaxLength)
            throw Problem($"{declaration}, more than one array can hold ({Array.MaxLength} bytes)");
        for (int d = 0; d < Rank; d++)
        {
            if (Dimensions[d] > int.MaxValue)
                throw Problem($"dimension {d} declares {Dimensions[d]} items, more than {int.MaxValue}");
        }
    }

    private long CountUpTo(long limit)
    {
        byte[] scratch = new byte[MaxChunk];
        long total = 0;
        int read;
        while (total < limit && (read = Read(scratch)) > 0) total += read;
        return total;
    }

    private int ReadUpTo(Span<byte> buffer)
    {
        int filled = 0;
        int read;
        while (filled < buffer.Length && (read = Read(buffer[filled..])) > 0) filled += read;
        return filled;
    }

    private int Read(Span<byte> buffer)
    {
        try
        {
            int read = _data.Read(buffer);
            _decompressed += read;
            return read;
        }
        catch (InvalidDataException e) when (_compressed)
        {
            throw Problem($"corrupt gzip data: {e.Message}", e);
        }
    }

    private static string TypeName(byte code) => code switch
    {
        0x09 => "signed bytes",
        0x0B => "16-bit integers",
        0x0C => "32-bit integers",
        0x0D => "32-bit floats",
        0x0E => "64-bit floats",
        _ => "not an IDX type code",
    };
}
