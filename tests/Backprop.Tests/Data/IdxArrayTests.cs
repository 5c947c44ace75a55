using System.Diagnostics;
using Backprop.Data;

namespace Backprop.Tests.Data;

/// <summary>
/// <see cref="IdxArray"/> and the IDX reader behind <see cref="Mnist"/>: well-formed files read
/// back, plain or gzip; hostile files are refused quickly, with an <see cref="InvalidDataException"/>
/// naming the file and the problem, and without allocating from the sizes their headers claim.
/// </summary>
public sealed class IdxArrayTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly byte[] Pixels = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 10)).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AWellFormedFileReadsBackPlainOrCompressed(bool gzip)
    {
        string path = _folder.Write("a-images-idx3-ubyte", TempFolder.Idx(0x803, [2, 3, 4], Pixels), gzip);
        IdxArray array = IdxArray.Read(path);
        Assert.Equal([2, 3, 4], array.Shape);
        Assert.Equal(Pixels, array.Data);
        Assert.Equal("IdxArray [2,3,4]", array.ToString());
    }

    [Fact]
    public void AZeroDimensionMeansNoData()
    {
        IdxArray array = IdxArray.Read(_folder.Write("empty", TempFolder.Idx(0x803, [0, 28, 28], [])));
        Assert.Equal([0, 28, 28], array.Shape);
        Assert.Empty(array.Data);
    }

    public static TheoryData<string, byte[], string> Hostile => new()
    {
        { "empty file", [], "empty" },
        { "wrong magic", TempFolder.Idx(0x12345678, [3], [1, 2, 3]), "wrong magic number 0x12345678" },
        { "float elements", TempFolder.Idx(0x0D01, [1], [0, 0, 0, 0]), "element type 0x0D (32-bit floats)" },
        { "unknown element type", TempFolder.Idx(0x4201, [1], [0]), "element type 0x42 (not an IDX type code)" },
        { "no dimensions", TempFolder.Idx(0x800, [], []), "declares 0 dimensions" },
        { "magic cut short", [0, 0, 8], "truncated header: 3 bytes" },
        { "sizes cut short", TempFolder.Idx(0x803, [10], []), "truncated header: the magic number declares 3 dimensions" },
        { "data cut short", TempFolder.Idx(0x801, [10], [1, 2, 3]), "truncated: the header declares 10 = 10 bytes of data but only 3 follow" },
        { "data too long", TempFolder.Idx(0x801, [2], [1, 2, 3]), "but 3 follow the header (1 too many)" },
        { "2^31 labels in a small file", TempFolder.Idx(0x801, [1u << 31], new byte[92]), "truncated: the header declares 2147483648 = 2147483648 bytes of data but only 92 follow" },
        { "2^32-1 images in a small file", TempFolder.Idx(0x803, [uint.MaxValue, 28, 28], new byte[84]), "truncated: the header declares 4294967295 x 28 x 28" },
        { "sizes that overflow 64 bits", TempFolder.Idx(0x803, [uint.MaxValue, uint.MaxValue, uint.MaxValue], new byte[8]), "more than 2^63 bytes of data but only 8 follow" },
        { "a huge dimension beside a zero one", TempFolder.Idx(0x802, [0, uint.MaxValue], []), "dimension 1 declares 4294967295 items" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostilePlainFilesAreRefusedQuicklyWithAClearMessage(string name, byte[] bytes, string expected) =>
        AssertRefused(_folder.Write(name.Replace(' ', '-'), bytes), expected);

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileCompressedFilesAreRefusedQuicklyWithAClearMessage(string name, byte[] bytes, string expected)
    {
        if (bytes.Length == 0) expected = "empty";
        // A compressed file's size is unknown until it is decompressed, so a header that declares
        // more than the limit is refused on its word, before any decompression.
        else if (name is "2^32-1 images in a small file" or "2^31 labels in a small file" or "sizes that overflow 64 bits") expected = "more than the limit of 256 MiB";
        AssertRefused(_folder.Write(name.Replace(' ', '-') + ".gz", bytes, gzip: true), expected.Replace(" follow the header", " follow the header (decompressed)"));
    }

    [Fact]
    public void CorruptGzipIsRefusedNamingTheFile()
    {
        byte[] good = File.ReadAllBytes(_folder.Write("good.gz", TempFolder.Idx(0x801, [1000], new byte[1000]), gzip: true));
        byte[] bad = (byte[])good.Clone();
        for (int i = 10; i < bad.Length - 8; i++) bad[i] ^= 0x5A;
        AssertRefused(_folder.Write("bad.gz", bad), "bad.gz: ");
    }

    [Fact]
    public void ACompressedFileCutShortIsTruncated()
    {
        byte[] whole = File.ReadAllBytes(_folder.Write("whole.gz", TempFolder.Idx(0x803, [100, 28, 28], Enumerable.Range(0, 78400).Select(i => (byte)(i * 7919 >> 3)).ToArray()), gzip: true));
        string path = _folder.Write("cut.gz", whole[..(whole.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => IdxArray.Read(path));
        Assert.Contains("cut.gz", e.Message);
    }

    [Fact]
    public void AMissingFileOrAFolderIsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => IdxArray.Read(Path.Combine(_folder.Path, "absent")));
        var e = Assert.Throws<FileNotFoundException>(() => IdxArray.Read(_folder.Path));
        Assert.Contains("is a folder, not an IDX file", e.Message);
    }

    private static void AssertRefused(string path, string expected)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidDataException>(() => IdxArray.Read(path));
        clock.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.True(clock.ElapsedMilliseconds < 2000, $"refusing {path} took {clock.ElapsedMilliseconds} ms");
        Assert.True(allocated < 8 << 20, $"refusing {path} allocated {allocated} bytes");
    }
}
