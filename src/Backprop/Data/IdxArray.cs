namespace Backprop.Data;

/// <summary>
/// An n-dimensional array of unsigned bytes read from an IDX file, the format of the MNIST
/// database: a big-endian magic number (two zero bytes, the element type code, the number of
/// dimensions), one big-endian 32-bit size per dimension, then the elements in row-major order.
/// </summary>
/// <remarks>
/// Only element type 0x08 (unsigned byte), which MNIST and its relatives use, is read; the
/// other IDX types (0x09 signed byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double) are
/// refused by name. Files compressed with gzip (as MNIST is distributed) are recognised by
/// their first two bytes, 1f 8b, and decompressed as they are read.
/// </remarks>
public sealed class IdxArray
{
    private readonly int[] _shape;

    private IdxArray(int[] shape, byte[] data)
    {
        _shape = shape;
        Data = data;
    }

    /// <summary>The size of each dimension, as the header declares (MNIST images: [N, 28, 28]).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The elements in row-major order: the product of <see cref="Shape"/> bytes. A new array the caller owns.</summary>
    public byte[] Data { get; }

    /// <summary>
    /// Reads the IDX file at <paramref name="path"/>, plain or gzip-compressed.
    /// </summary>
    /// <remarks>
    /// The header is not trusted: the sizes it declares are checked against the data actually
    /// there, and memory is allocated only for data that is present, so a header that claims
    /// billions of items in a small file fails at once with "truncated".
    /// </remarks>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most data bytes the header may declare (default 256 MiB).</param>
    /// <returns>The array.</returns>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/> (or it is a folder).</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not IDX (wrong magic number), holds another element type than unsigned
    /// bytes, is truncated or longer than its header says, is larger than one array holds, or
    /// is corrupt gzip, has bytes after its gzip stream, or declares more than
    /// <paramref name="maxBytes"/>. The message starts with the path and says which.
    /// </exception>
    public static IdxArray Read(string path, long maxBytes = IdxFile.DefaultMaxBytes)
    {
        using IdxFile file = IdxFile.Open(path);
        byte[] data = file.ReadData(maxBytes);
        return new IdxArray(Array.ConvertAll(file.Dimensions, d => (int)d), data);
    }

    /// <summary>The shape, as "IdxArray [10000,28,28]".</summary>
    public override string ToString() => $"IdxArray {ShapeMath.Format(_shape)}";
}
