using System.Diagnostics;
using Backprop.Cli.Commands;
using Backprop.Cli.Training;
using Backprop.IO;
using Backprop.NN;
using Backprop.Random;

namespace Backprop.Tests.Cli;

/// <summary><c>backprop eval</c> against models and data that do not fit, and hostile model files.</summary>
public sealed class EvalCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-eval-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string SaveModel(string name, int[] sizes, Dictionary<string, string>? extra = null, double dropout = 0)
    {
        string path = Path.Combine(_dir, name);
        ModelFile.Save(path, new Mlp(sizes, ActivationKind.Relu, new NumpyRandom(1), dropout), extra ?? new() { ["data"] = "moons" });
        return path;
    }

    private static void AssertFails(int expectedCode, string expected, params string[] args)
    {
        (int code, _, string error) = Support.Cli.Run(args);
        Assert.Equal(expectedCode, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData("blobs", "tells 2 classes apart but 'blobs' has 3")]
    [InlineData("spirals", "tells 2 classes apart but 'spirals' has 3")]
    public void AModelIsNotScoredOnDataWithOtherClasses(string data, string expected) =>
        AssertFails(CommandLine.Failed, expected, "eval", "--model", SaveModel("moons.safetensors", [2, 4, 2]), "--data", data);

    [Fact]
    public void AOneOutputModelScoresTwoClassesOnly()
    {
        string path = SaveModel("scalar.safetensors", [2, 4, 1]);
        AssertFails(CommandLine.Failed, "tells 2 classes apart but 'blobs' has 3", "eval", "--model", path, "--data", "blobs");
        Assert.Equal(0, Support.Cli.Run("eval", "--model", path, "--data", "moons").Code);
    }

    [Fact]
    public void MetadataThatPromisesAHugeModelIsRefusedBeforeAllocatingIt()
    {
        string small = SaveModel("small.safetensors", [2, 4, 2]);
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Load(small);
        string forged = Path.Combine(_dir, "forged.safetensors");
        SafeTensors.Save(forged, tensors, new Dictionary<string, string>(metadata) { ["sizes"] = "2,20000,20000,2" });
        long before = GC.GetAllocatedBytesForCurrentThread(); // this thread only: tests in parallel allocate too
        AssertFails(CommandLine.Failed, "tensor '0.weight' is [4,2] but sizes 2,20000,20000,2 need [20000,2]", "eval", "--model", forged, "--data", "moons");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 100_000_000, "allocated the model the metadata promised");
    }

    [Fact]
    public void EscapeSequencesInTheFileNeverReachTheTerminal()
    {
        string path = SaveModel("evil.safetensors", [2, 4, 2], new() { ["data"] = "moons\u001b[2J\u001b]0;pwned\u0007" });
        (int code, string output, string error) = Support.Cli.Run("eval", "--model", path, "--data", "moons");
        Assert.True(code == 0, error);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u0007', output);
        Assert.Contains("moons\\u001b[2J", output);
    }

    [Fact]
    public void ADirectoryIsNamedAsOne() =>
        AssertFails(CommandLine.Failed, $"--model: '{_dir}' is a directory", "eval", "--model", _dir, "--data", "moons");

    [Fact]
    public async Task AFifoFailsAtOnceInsteadOfHanging()
    {
        string fifo = Path.Combine(_dir, "model.fifo");
        using (Process mkfifo = Process.Start("mkfifo", fifo)) await mkfifo.WaitForExitAsync();
        var run = Task.Run(() => Support.Cli.Run("eval", "--model", fifo, "--data", "moons"));
        Task first = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(first == run, "eval hung on a FIFO");
        (int code, _, string error) = await run;
        Assert.Equal(CommandLine.Failed, code);
        Assert.Contains("not a regular file", error);
    }

    [Fact]
    public void AModelTrainedWithDropoutBeforeTheMetadataRecordedItStillLoads()
    {
        var model = new Mlp([2, 4, 4, 2], ActivationKind.Relu, new NumpyRandom(1), dropout: 0.3);
        string path = Path.Combine(_dir, "old.safetensors");
        SafeTensors.Save(path, model.StateDict(), new Dictionary<string, string> { ["format"] = "backprop-mlp", ["sizes"] = "2,4,4,2", ["activation"] = "relu" });
        var loaded = (Mlp)ModelFile.Load(path).Model;
        Assert.Equal(0.5, loaded.Dropout);
    }

    [Fact]
    public void TheSplitRecordedInTheModelIsTheDefault()
    {
        string folder = Path.Combine(_dir, "split");
        Assert.Equal(0, Support.Cli.Run("train", "--data", "circles", "--epochs", "1", "--test-fraction", "0.25", "--seed", "3", "--out", folder).Code);
        (int code, string output, string error) = Support.Cli.Run("eval", "--model", Path.Combine(folder, "model.safetensors"), "--data", "circles");
        Assert.True(code == 0, error);
        Assert.Matches(@"train\s*│\s*150\s", output);
        Assert.Matches(@"test\s*│\s*50\s", output);
    }
}
