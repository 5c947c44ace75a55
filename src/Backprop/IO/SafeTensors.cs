namespace Backprop.IO;

/// <summary>
/// Reads and writes checkpoints in the safetensors format, the format of Hugging Face's
/// <c>safetensors</c> library and PyTorch's <c>safetensors.torch.save_file</c>/<c>load_file</c>.
/// </summary>
/// <remarks>
/// <para>
/// A file is an unsigned 64-bit little-endian length N, then N bytes of UTF-8 JSON (padded
/// with spaces to a multiple of 8), then the data buffer. The JSON maps each tensor name to
/// <c>{"dtype":"F32","shape":[2,3],"data_offsets":[begin,end]}</c>, offsets in bytes from the
/// start of the data buffer, and may hold <c>"__metadata__"</c>: an object of string values.
/// Tensors are stored little-endian in row-major order.
/// </para>
/// <para>
/// Backprop reads and writes <c>F32</c>, <c>F64</c>, <c>I64</c> and <c>BOOL</c> (<see cref="DType.Float32"/>,
/// <see cref="DType.Float64"/>, <see cref="DType.Int64"/>, <see cref="DType.Bool"/>). The writer produces the bytes the
/// reference implementation writes for the same tensors: tensors laid out by element type
/// (I64, then F64, then F32, then BOOL) and then by name, one after another with no gaps, the header in
/// the same order with no whitespace. Metadata keys are sorted by name, so the same
/// tensors and metadata always give the same bytes.
/// </para>
/// <para>
/// The reader treats the file as hostile and checks every number in the header before using it,
/// with the reference implementation's rules: the header at most 100,000,000 bytes and inside
/// the file, valid UTF-8 JSON whose top level is an object, every entry well formed with a
/// supported dtype, each byte range the size its dtype and shape need, and the ranges tiling
/// the data buffer exactly (no overlap, no gap, no trailing bytes). Any failure is an
/// <see cref="InvalidDataException"/> that names the file and the first problem found, raised
/// before any tensor data is allocated; nothing is ever read out of range.
/// </para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>The largest header, in bytes, that is read or written (the reference implementation's limit).</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>
    /// The most tensors a file may list when read: 100,000 (large language models list a few
    /// thousand). Each tensor read costs memory even when empty, so a header of millions of
    /// empty tensors would otherwise take gigabytes.
    /// </summary>
    public const int MaxTensorCount = 100_000;

    /// <summary>The name of the header entry that holds the string-to-string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// Writes <paramref name="tensors"/> (and <paramref name="metadata"/>) to
    /// <paramref name="path"/> in the safetensors format, atomically: the file is replaced only
    /// once the new one is complete (see <see cref="AtomicFile"/>).
    /// </summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="tensors">The tensors by name. Views are written as their row-major elements; gradients and graph are not saved.</param>
    /// <param name="metadata">String metadata stored as <c>__metadata__</c>; <see langword="null"/> or empty writes none.</param>
    /// <exception cref="ArgumentException">A name is <c>__metadata__</c> or not valid UTF-16, a tensor or metadata value is <see langword="null"/>, or the header would pass <see cref="MaxHeaderLength"/>; nothing is written.</exception>
    /// <exception cref="IOException">The file cannot be written (the message names it); an existing file is left as it was.</exception>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeTensorsWriter writer = SafeTensorsWriter.Prepare(tensors, metadata);
        AtomicFile.Write(path, writer.WriteTo);
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> (and <paramref name="metadata"/>) to
    /// <paramref name="stream"/> in the safetensors format: the same bytes <see cref="Save"/> puts in a file.
    /// </summary>
    /// <param name="stream">A writable stream; left open, positioned after the data.</param>
    /// <param name="tensors">The tensors by name.</param>
    /// <param name="metadata">String metadata stored as <c>__metadata__</c>; <see langword="null"/> or empty writes none.</param>
    /// <exception cref="ArgumentException">As for <see cref="Save"/>; nothing is written.</exception>
    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        SafeTensorsWriter.Prepare(tensors, metadata).WriteTo(stream);
    }

    /// <summary>Reads the safetensors file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The tensors and metadata it holds.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file of supported dtypes; the message names the file and what is wrong.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafeTensorsFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return new SafeTensorsReader(stream, stream.Length, $"'{path}'").Read();
    }

    /// <summary>
    /// Reads a safetensors file of <paramref name="length"/> bytes from <paramref name="stream"/>,
    /// starting at its current position (for in-memory use and tests).
    /// </summary>
    /// <param name="stream">A readable stream; left open, positioned after what was read.</param>
    /// <param name="length">The length of the safetensors content in bytes; the data buffer ends there.</param>
    /// <param name="name">What to call the content in error messages (a file name, say); <see langword="null"/> for "the stream".</param>
    /// <returns>The tensors and metadata it holds.</returns>
    /// <exception cref="InvalidDataException">The content is not a valid safetensors file of supported dtypes, or the stream ends before <paramref name="length"/> bytes; the message names <paramref name="name"/> and what is wrong.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public static SafeTensorsFile Read(Stream stream, long length, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new SafeTensorsReader(stream, length, name is null ? "the stream" : $"'{name}'").Read();
    }
}
