using Backprop.Cli.Commands;
using Backprop.IO;
using Backprop.NN;
using Backprop.OnnxTests.Support;
using Backprop.Random;

namespace Backprop.OnnxTests;

/// <summary><c>backprop export</c>: a saved model to an ONNX file, and one line for each bad input.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string SaveMlp()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        ModelFile.Save(path, new Mlp([2, 16, 16, 2], ActivationKind.Relu, new NumpyRandom(1)), new Dictionary<string, string> { ["data"] = "moons" });
        return path;
    }

    private static void AssertFails(int expectedCode, string expected, params string[] args)
    {
        (int code, _, string error) = CliRun.Run(args);
        Assert.Equal(expectedCode, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void ExportsASavedMlpThatOnnxRuntimeRuns()
    {
        string onnx = Path.Combine(_dir, "model.onnx");
        (int code, string output, string error) = CliRun.Run("export", "--model", SaveMlp(), "--onnx", onnx);
        Assert.True(code == 0, error);
        Assert.Matches(@"^wrote .*model\.onnx: 354 parameters, [0-9,]+ bytes, input \[batch,2\], exported in \d+ ms", output);
        Module engine = ModelFile.Load(Path.Combine(_dir, "model.safetensors")).Model;
        Tensor points = Tensor.Randn(new NumpyRandom(3), 9, 2);
        Assert.True(OrtRun.MaxDifference(Exported.Engine(engine, points), OrtRun.Run(File.ReadAllBytes(onnx), points)) <= Exported.Tolerance);
    }

    [Fact]
    public void AMissingModelFileIsOneLine() =>
        AssertFails(CommandLine.Failed, "--model: file", "export", "--model", Path.Combine(_dir, "none.safetensors"), "--onnx", Path.Combine(_dir, "m.onnx"));

    [Fact]
    public void AFileThatIsNotAModelIsOneLine()
    {
        string path = Path.Combine(_dir, "notes.safetensors");
        File.WriteAllText(path, "hello");
        AssertFails(CommandLine.Failed, "notes.safetensors", "export", "--model", path, "--onnx", Path.Combine(_dir, "m.onnx"));
        Assert.False(File.Exists(Path.Combine(_dir, "m.onnx")));
    }

    [Fact]
    public void AnOutputInAMissingFolderIsOneLine() =>
        AssertFails(CommandLine.Failed, "--onnx: the folder", "export", "--model", SaveMlp(), "--onnx", Path.Combine(_dir, "no", "such", "m.onnx"));

    [Fact]
    public void AnOutputThatIsAFolderIsOneLine() =>
        AssertFails(CommandLine.Failed, "is a directory, not a file", "export", "--model", SaveMlp(), "--onnx", _dir);

    [Fact]
    public void TheOnnxOptionIsRequired() =>
        AssertFails(CommandLine.Usage, "--onnx", "export", "--model", SaveMlp());

    [Fact]
    public void AnExistingFileIsReplacedWholeAndNoTemporaryIsLeft()
    {
        string model = SaveMlp(), onnx = Path.Combine(_dir, "model.onnx");
        File.WriteAllText(onnx, "old");
        Assert.Equal(0, CliRun.Run("export", "--model", model, "--onnx", onnx).Code);
        Tensor x = Tensor.Zeros(1, 2);
        Assert.Equal([1L, 2], OrtRun.Run(File.ReadAllBytes(onnx), x).Shape);
        Assert.Equal(["model.onnx", "model.safetensors"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order());
    }
}
