using Backprop.Cli.Training;
using Backprop.IO;
using Backprop.NN;
using Backprop.OnnxTests.Support;
using Xunit.Abstractions;

namespace Backprop.OnnxTests;

/// <summary>
/// The MLP and the CNN that <c>backprop train</c> makes, trained briefly on the shipped MNIST
/// digits, exported by <c>backprop export</c> and run in ONNX Runtime on 100 test digits: the
/// logits agree with the engine's to 1e-5 and so every predicted class does.
/// </summary>
/// <remarks>Each prints its difference (docs/onnx.md): run with <c>--logger "console;verbosity=detailed"</c>.</remarks>
public sealed class TrainedModelTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-onnx-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void TrainExportAndCompare(params string[] trainArgs)
    {
        (int code, string output, string error) = CliRun.Run(["train", "--data", "mnist", "--epochs", "1", .. trainArgs, "--out", _dir]);
        Assert.True(code == 0, error + output);
        string model = Path.Combine(_dir, "model.safetensors"), onnx = Path.Combine(_dir, "model.onnx");
        (code, output, error) = CliRun.Run("export", "--model", model, "--onnx", onnx);
        Assert.True(code == 0, error);
        Assert.Contains("wrote ", output);

        Module engine = ModelFile.Load(model).Model;
        Tensor digits = DataSource.Load("mnist", null, 1).Test!.Features.Slice(0, 0, 100);
        Tensor expected = Exported.Engine(engine, digits);
        (float[] values, long[] shape) = OrtRun.Run(File.ReadAllBytes(onnx), digits);
        double difference = OrtRun.MaxDifference(expected, (values, shape));
        Assert.True(difference <= Exported.Tolerance, $"max |engine - ORT| = {difference:G3}");
        log.WriteLine($"| {string.Join(" ", trainArgs)} | {difference:0.0e+0} |");
        float[] logits = expected.ToArray<float>();
        Assert.Equal(Predictions(logits), Predictions(values));
    }

    /// <summary>The class with the largest logit, for each row of ten.</summary>
    private static int[] Predictions(float[] logits) =>
        [.. Enumerable.Range(0, logits.Length / 10).Select(row => Array.IndexOf(logits, logits.AsSpan(row * 10, 10).ToArray().Max(), row * 10) - row * 10)];

    [Fact]
    public void TheMlpThatTrainMakesAgreesWithOnnxRuntime() => TrainExportAndCompare("--hidden", "32", "--batch-size", "200");

    [Fact]
    public void TheCnnThatTrainMakesAgreesWithOnnxRuntime() => TrainExportAndCompare("--model", "cnn", "--channels", "2,4", "--batch-size", "500");
}
