using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using Backprop.Data;
using Xunit.Abstractions;

namespace Backprop.Tests.Data;

/// <summary>
/// <see cref="DataDownload"/> against a loopback server (never the internet): good files are
/// verified and cached, a bad checksum, a dropped connection and a server error each end as the
/// issue asks, and a partial file is resumed with a range request.
/// </summary>
public sealed class DataDownloadTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("backprop-download-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void GoodFilesAreFetchedVerifiedCachedAndLoad()
    {
        Dictionary<string, byte[]> files = TinyMnist();
        using var server = new LoopbackFileServer(files);
        RemoteDataset dataset = Describe("tiny", server, files);
        var reports = new List<DownloadProgress>();

        string folder = DataDownload.Fetch(dataset, _root, new SynchronousProgress<DownloadProgress>(reports.Add));

        Assert.Equal(Path.Combine(_root, "tiny"), folder);
        foreach ((string name, byte[] bytes) in files) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(folder, name)));
        Assert.Empty(Directory.GetFiles(folder, "*.part"));
        Assert.Equal(dataset.TotalSize, reports[^1].Received);
        Assert.All(reports, r => Assert.Equal(dataset.TotalSize, r.Total));
        (Dataset train, Dataset? test) = Mnist.LoadFolder(folder);
        Assert.Equal(3, train.Count);
        Assert.Equal(2, test!.Count);
        Assert.Equal(new long[] { 1, 7, 4 }, train.Labels.ToDoubleArray().Select(v => (long)v));

        int requests = server.Requests.Count;
        Assert.Equal(4, requests);
        DataDownload.Fetch(dataset, _root);
        Assert.Equal(requests, server.Requests.Count);
    }

    [Fact]
    public void ThroughputFromTheLoopbackServer()
    {
        byte[] big = new byte[64 << 20];
        new System.Random(1).NextBytes(big);
        var files = new Dictionary<string, byte[]> { ["big.bin"] = big };
        using var server = new LoopbackFileServer(files);
        var clock = Stopwatch.StartNew();
        DataDownload.Fetch(Describe("big", server, files), _root);
        clock.Stop();
        Assert.Equal(big.Length, new FileInfo(Path.Combine(_root, "big", "big.bin")).Length);
        // docs/data.md records this figure (download and SHA-256 together).
        output.WriteLine($"64 MiB in {clock.Elapsed.TotalSeconds:F2} s: {64 / clock.Elapsed.TotalSeconds:F0} MiB/s");
    }

    [Fact]
    public void ABadChecksumIsOneLineAndLeavesNothingBehind()
    {
        Dictionary<string, byte[]> files = TinyMnist();
        RemoteDataset dataset;
        using (var honest = new LoopbackFileServer(files)) dataset = Describe("tiny", honest, files);
        byte[] tampered = (byte[])files["train-labels-idx1-ubyte.gz"].Clone();
        tampered[^1] ^= 0xFF;
        files["train-labels-idx1-ubyte.gz"] = tampered;
        using var server = new LoopbackFileServer(files);
        dataset = dataset with { Mirrors = [server.Address] };

        var e = Assert.Throws<InvalidDataException>(() => DataDownload.Fetch(dataset, _root));

        string expected = Convert.ToHexStringLower(SHA256.HashData(tampered));
        Assert.Equal($"tiny: could not fetch train-labels-idx1-ubyte.gz: {server.Address}train-labels-idx1-ubyte.gz sent a file whose SHA-256 is {expected}, not the published {dataset.Files[1].Sha256}", e.Message);
        Assert.False(File.Exists(Path.Combine(_root, "tiny", "train-labels-idx1-ubyte.gz")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "tiny"), "*.part"));
    }

    [Fact]
    public void ADroppedConnectionIsResumedWithARangeRequest()
    {
        byte[] big = new byte[1 << 20];
        new System.Random(2).NextBytes(big);
        var files = new Dictionary<string, byte[]> { ["digits.bin"] = big };
        using var server = new LoopbackFileServer(files) { DropFirstResponseAfter = 300_000 };

        DataDownload.Fetch(Describe("dropped", server, files), _root);

        Assert.Equal(big, File.ReadAllBytes(Path.Combine(_root, "dropped", "digits.bin")));
        Assert.Equal(2, server.Requests.Count);
        Assert.Null(server.Requests[0].Range);
        long resumedAt = long.Parse(server.Requests[1].Range!["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(resumedAt, 1, 300_000);
    }

    [Fact]
    public void APartialFileFromAnEarlierRunIsContinuedNotRefetched()
    {
        byte[] big = new byte[500_000];
        new System.Random(3).NextBytes(big);
        var files = new Dictionary<string, byte[]> { ["digits.bin"] = big };
        using var server = new LoopbackFileServer(files);
        Directory.CreateDirectory(Path.Combine(_root, "partial"));
        File.WriteAllBytes(Path.Combine(_root, "partial", "digits.bin.part"), big[..123_456]);

        DataDownload.Fetch(Describe("partial", server, files), _root);

        Assert.Equal(big, File.ReadAllBytes(Path.Combine(_root, "partial", "digits.bin")));
        Assert.Equal("bytes=123456-", Assert.Single(server.Requests).Range);
    }

    [Fact]
    public void AServerErrorIsOneLineNamingTheStatus()
    {
        var files = new Dictionary<string, byte[]> { ["digits.bin"] = [1, 2, 3] };
        using var server = new LoopbackFileServer(files) { Status = 503 };

        var e = Assert.Throws<IOException>(() => DataDownload.Fetch(Describe("down", server, files), _root));

        Assert.Equal($"down: could not fetch digits.bin: {server.Address}digits.bin: HTTP 503 Service Unavailable", e.Message);
        Assert.False(File.Exists(Path.Combine(_root, "down", "digits.bin")));
    }

    [Fact]
    public void APlainHttpMirrorOffLoopbackIsRefused()
    {
        RemoteDataset dataset = RemoteDataset.Mnist with { Mirrors = [new Uri("http://yann.lecun.com/exdb/mnist/")] };
        var e = Assert.Throws<ArgumentException>(() => DataDownload.Fetch(dataset, _root));
        Assert.StartsWith("mnist: mirror http://yann.lecun.com/exdb/mnist/ is not HTTPS", e.Message);
    }

    [Fact]
    public void TheRealDataSetsAreTheFourPublishedFilesOverHttps()
    {
        foreach (RemoteDataset dataset in new[] { RemoteDataset.Mnist, RemoteDataset.FashionMnist })
        {
            Assert.All(dataset.Mirrors, m => Assert.Equal("https", m.Scheme));
            Assert.Equal(["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"],
                dataset.Files.Select(f => f.Name));
            Assert.All(dataset.Files, f => Assert.Matches("^[0-9a-f]{64}$", f.Sha256));
        }
        Assert.Equal(11_594_722, RemoteDataset.Mnist.TotalSize);
        Assert.Equal(30_878_645, RemoteDataset.FashionMnist.TotalSize);
    }

    private static RemoteDataset Describe(string name, LoopbackFileServer server, Dictionary<string, byte[]> files) =>
        new(name, [server.Address], files.Select(f => new RemoteFile(f.Key, f.Value.Length, Convert.ToHexStringLower(SHA256.HashData(f.Value)))).ToList());

    /// <summary>Three training and two test digits of 2 x 2 pixels, gzip-compressed IDX files as MNIST publishes them.</summary>
    internal static Dictionary<string, byte[]> TinyMnist() => new()
    {
        ["train-images-idx3-ubyte.gz"] = Gzip(Idx(0x0803, [3, 2, 2], [.. Enumerable.Range(0, 12).Select(i => (byte)(i * 20))])),
        ["train-labels-idx1-ubyte.gz"] = Gzip(Idx(0x0801, [3], [1, 7, 4])),
        ["t10k-images-idx3-ubyte.gz"] = Gzip(Idx(0x0803, [2, 2, 2], [.. Enumerable.Range(0, 8).Select(i => (byte)(255 - i))])),
        ["t10k-labels-idx1-ubyte.gz"] = Gzip(Idx(0x0801, [2], [0, 9])),
    };

    private static byte[] Idx(int magic, int[] dimensions, byte[] data)
    {
        var bytes = new List<byte>();
        foreach (int value in (int[])[magic, .. dimensions]) bytes.AddRange([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
        bytes.AddRange(data);
        return [.. bytes];
    }

    private static byte[] Gzip(byte[] data)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal)) gzip.Write(data);
        return memory.ToArray();
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
