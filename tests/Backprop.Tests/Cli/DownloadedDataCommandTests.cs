using System.Security.Cryptography;
using Backprop.Cli.Training;
using Backprop.Data;
using Backprop.Tests.Data;
using Backprop.Tests.Support;

namespace Backprop.Tests.Cli;

/// <summary>
/// <c>train --data mnist-full</c> fetches the data set into the cache and trains on it; a mirror
/// that fails is one line and exit code 1. The data set is pointed at a loopback server (never
/// the internet), which changes process-wide settings, so these run alone.
/// </summary>
[Collection(nameof(ProcessStateCollection))]
public sealed class DownloadedDataCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("backprop-cli-download-").FullName;
    private readonly Func<string, RemoteDataset?> _find = DownloadedData.Find;

    public void Dispose()
    {
        DownloadedData.Find = _find;
        DownloadedData.Root = null;
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void TrainFetchesTheDataSetOnceThenTrainsFromTheCache()
    {
        Dictionary<string, byte[]> files = DataDownloadTests.TinyMnist();
        using var server = new LoopbackFileServer(files);
        PointAt(server, files);

        (int code, string output, string error) = Support.Cli.Run("train", "--data", "mnist-full", "--epochs", "1", "--out", Path.Combine(_root, "run1"));
        Assert.True(code == 0, error + output);
        Assert.Contains($"mnist: 0.0 MB, checked or fetched into {Path.Combine(_root, "mnist")}", output);
        Assert.Matches(@"test\s*│\s*[0-9.]+\s*│\s*[0-9.]+%", output);
        Assert.Equal(4, server.Requests.Count);

        (code, output, error) = Support.Cli.Run("train", "--data", "mnist-full", "--epochs", "1", "--out", Path.Combine(_root, "run2"));
        Assert.True(code == 0, error + output);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public void AFailingMirrorIsOneLineAndExitCode1()
    {
        Dictionary<string, byte[]> files = DataDownloadTests.TinyMnist();
        using var server = new LoopbackFileServer(files) { Status = 500 };
        PointAt(server, files);

        (int code, _, string error) = Support.Cli.Run("train", "--data", "mnist-full", "--out", Path.Combine(_root, "run"));

        Assert.Equal(1, code);
        Assert.Equal($"backprop: mnist: could not fetch train-images-idx3-ubyte.gz: {server.Address}train-images-idx3-ubyte.gz: HTTP 500 Internal Server Error", error.TrimEnd());
    }

    private void PointAt(LoopbackFileServer server, Dictionary<string, byte[]> files)
    {
        var dataset = new RemoteDataset("mnist", [server.Address],
            files.Select(f => new RemoteFile(f.Key, f.Value.Length, Convert.ToHexStringLower(SHA256.HashData(f.Value)))).ToList());
        DownloadedData.Find = name => name == "mnist-full" ? dataset : null;
        DownloadedData.Root = _root;
    }
}
