using System.Diagnostics;
using System.IO.Compression;
using Backprop.Data;

namespace Backprop.Tests.Data;

/// <summary>
/// Small compressed files that would expand to gigabytes: the reader refuses a header that
/// promises more than a limit, stops shortly after what the header promises, and refuses bytes
/// appended after the gzip stream.
/// </summary>
public sealed class IdxLimitTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void AHeaderPromisingMoreThanTheLimitIsRefusedBeforeDecompressing()
    {
        string images = _folder.Write("big-images-idx3-ubyte.gz", TempFolder.Idx(Mnist.ImagesMagic, [1_400_000, 28, 28], new byte[4096]), gzip: true);
        string labels = _folder.Write("big-labels-idx1-ubyte.gz", TempFolder.Idx(Mnist.LabelsMagic, [1_400_000], new byte[1_400_000]), gzip: true);
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(images, labels));
        Assert.Contains("more than the limit of 256 MiB", e.Message);
        Assert.StartsWith(images, e.Message);
        var raised = Assert.Throws<InvalidDataException>(() => Mnist.Load(images, labels, maxBytes: 2L << 30));
        Assert.Contains("truncated", raised.Message); // with the limit raised, the file is read and found short
    }

    [Fact]
    public void ABombAfterThePromisedDataIsNotDecompressed()
    {
        string path = Path.Combine(_folder.Path, "bomb-labels-idx1-ubyte.gz");
        using (var file = File.Create(path))
        using (var zip = new GZipStream(file, CompressionLevel.SmallestSize))
        {
            zip.Write(TempFolder.Idx(Mnist.LabelsMagic, [10], new byte[10]));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 200; i++) zip.Write(zeros); // 200 MB of zeros in about 200 KB
        }
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidDataException>(() => IdxArray.Read(path));
        Assert.Contains("at least", e.Message);
        Assert.True(clock.ElapsedMilliseconds < 1000, $"{clock.ElapsedMilliseconds} ms: the tail was decompressed");
    }

    [Fact]
    public void BytesAfterTheGzipStreamAreRefused()
    {
        byte[] good = File.ReadAllBytes(_folder.Write("good.gz", TempFolder.Idx(Mnist.LabelsMagic, [3], [1, 2, 3]), gzip: true));
        string path = _folder.Write("trailing.gz", [.. good, .. "garbage!"u8.ToArray()]);
        var e = Assert.Throws<InvalidDataException>(() => IdxArray.Read(path));
        Assert.Contains("data after the compressed stream", e.Message);
        Assert.Equal([1, 2, 3], IdxArray.Read(_folder.Write("good2.gz", good)).Data);
    }
}
