using System.Globalization;
using Backprop.Cli.Commands;
using Backprop.Tests.Data;
using Backprop.Tests.Support;

namespace Backprop.Tests.Cli;

/// <summary><c>backprop train</c> and <c>backprop eval</c> end to end, through the executable's entry point.</summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => Support.Cli.Run(args);

    private static double[][] Metrics(string folder) =>
        File.ReadAllLines(Path.Combine(folder, "metrics.csv")).Skip(1)
            .Select(line => line.Split(',').Select(v => v.Length == 0 ? double.NaN : double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();

    [Fact]
    public void TheScalarEngineReproducesMicrogradsDemoAndWritesEverything()
    {
        string folder = Path.Combine(_dir, "scalar");
        (int code, string output, string error) = Run("train", "--data", "moons", "--engine", "scalar", "--out", folder);
        Assert.True(code == 0, error);
        double[][] epochs = Metrics(folder);
        Assert.Equal(100, epochs.Length);
        Assert.Equal(1.0, epochs[^1][2]); // 100% training accuracy within micrograd's 100 steps
        foreach (string file in new[] { "model.safetensors", "metrics.csv", "loss.png", "decision-boundary.png" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        Assert.Contains("epoch 100/100", output); // plain progress lines when output is not a terminal
        Assert.Contains("steps/s", output);
    }

    [Fact]
    public void EvalRebuildsTheModelFromTheFileAloneAndAgreesWithTraining()
    {
        string folder = Path.Combine(_dir, "tensor");
        (int code, _, string error) = Run("train", "--data", "circles", "--epochs", "60", "--lr", "0.01", "--seed", "3", "--out", folder, "--test-fraction", "0.25");
        Assert.True(code == 0, error);
        double[] last = Metrics(folder)[^1];
        Assert.True(last[4] > 0.9, $"test accuracy {last[4]}");
        (int evalCode, string evalOutput, string evalError) = Run("eval", "--model", Path.Combine(folder, "model.safetensors"), "--data", "circles", "--seed", "3", "--test-fraction", "0.25");
        Assert.True(evalCode == 0, evalError);
        Assert.Contains((last[4] * 100).ToString("F2", CultureInfo.InvariantCulture) + "%", evalOutput);
        Assert.Contains("sizes 2-16-16-2", evalOutput);
    }

    [Fact]
    public void TheSameSeedGivesBitIdenticalCheckpoints()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b");
        Assert.Equal(0, Run("train", "--data", "spirals", "--epochs", "3", "--dropout", "0.1", "--out", a).Code);
        Assert.Equal(0, Run("train", "--data", "spirals", "--epochs", "3", "--dropout", "0.1", "--out", b).Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "model.safetensors")), File.ReadAllBytes(Path.Combine(b, "model.safetensors")));
        Assert.Equal(0, Run("train", "--data", "spirals", "--epochs", "3", "--dropout", "0.1", "--seed", "2", "--out", b, "--force").Code);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "model.safetensors")), File.ReadAllBytes(Path.Combine(b, "model.safetensors")));
    }

    [Fact]
    public void GradFlowWritesPerLayerStatisticsEveryNSteps()
    {
        string folder = Path.Combine(_dir, "gradflow");
        (int code, string output, string error) = Run("train", "--data", "moons", "--epochs", "4", "--batch-size", "25", "--gradflow", "3", "--out", folder);
        Assert.True(code == 0, error);
        string[] rows = File.ReadAllLines(Path.Combine(folder, "gradflow.csv"));
        // 4 epochs x 4 steps = 16 steps; recorded at steps 0, 3, 6, 9, 12, 15; three Linear layers each.
        Assert.Equal(1 + 6 * 3, rows.Length);
        Assert.Equal(["0", "3", "6", "9", "12", "15"], rows.Skip(1).Where((_, i) => i % 3 == 0).Select(r => r.Split(',')[0]));
        foreach (string file in new[] { "gradflow-bars.png", "gradflow-histograms.png", "gradflow-updates.png" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        Assert.Contains("gradient flow: ", output);
        (int scalarCode, _, string scalarError) = Run("train", "--data", "moons", "--engine", "scalar", "--gradflow", "3", "--out", folder);
        Assert.Equal(CommandLine.Usage, scalarCode);
        Assert.Contains("tensor engine only", scalarError);
    }

    [MnistFact]
    public void AnMlpLearnsRealDigits()
    {
        string data = "mnist:" + Path.Combine(Reference.RepositoryRoot, "data", "mnist-10k");
        string folder = Path.Combine(_dir, "mnist");
        (int code, string output, string error) = Run("train", "--data", data, "--hidden", "64", "--epochs", "2", "--out", folder);
        Assert.True(code == 0, error);
        Assert.Contains("8000 training examples, 2000 test examples, 784 features, 10 classes", output);
        Assert.True(Metrics(folder)[^1][4] > 0.88, "test accuracy after two epochs");
        Assert.False(File.Exists(Path.Combine(folder, "decision-boundary.png"))); // not 2-D data
    }

    [Theory]
    [InlineData("train --data nonsense", "unknown data set 'nonsense'")]
    [InlineData("train --data spirals --engine scalar", "binary classifiers")]
    [InlineData("train --data moons --hidden 16,x", "--hidden")]
    [InlineData("train --data mnist:/no/such/folder", "does not exist")]
    [InlineData("train --data moons --optimizer lbfgs", "lbfgs")]
    [InlineData("eval --model /no/such/model.safetensors --data moons", "does not exist")]
    public void BadInputFailsWithOneLineNamingIt(string commandLine, string expected)
    {
        (int code, _, string error) = Run(commandLine.Split(' '));
        Assert.NotEqual(0, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void EvalRefusesAFileThatIsNotAModel()
    {
        string path = Path.Combine(_dir, "not-a-model.safetensors");
        File.WriteAllText(path, "hello");
        (int code, _, string error) = Run("eval", "--model", path, "--data", "moons");
        Assert.Equal(CommandLine.Failed, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(path, error);
    }
}
