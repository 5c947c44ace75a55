using System.Globalization;
using Backprop.Cli.Commands;
using Backprop.Cli.Training;
using Backprop.Distributed;
using Backprop.IO;
using Backprop.NN;
using Backprop.Tests.TensorBoard;
using Spectre.Console;

namespace Backprop.Tests.Cli;

/// <summary><c>backprop train --tensorboard DIR</c>: the event file of a tiny run, read back independently, and its errors.</summary>
public sealed class TrainTensorBoardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-train-tb-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TwoEpochsOfMoonsLogTheirMetricsRateAndEveryCheckpointedWeightAndGradient()
    {
        string logs = Path.Combine(_dir, "runs"), output = Path.Combine(_dir, "out");
        (int code, string stdout, string err) = Support.Cli.Run("train", "--data", "moons", "--epochs", "2", "--test-fraction", "0.2",
            "--lr", "0.01", "--tensorboard", logs, "--out", output);
        Assert.True(code == 0, stdout + err);
        string file = Assert.Single(Directory.GetFiles(logs));
        Assert.Contains($"tensorboard: {file}", stdout);
        Assert.Matches($@"\ntensorboard: 2 epochs logged to {System.Text.RegularExpressions.Regex.Escape(file)} in [0-9]+ ms \([0-9]+\.[0-9] % of the training time\)", stdout);

        List<EventView> events = EventFileReader.Read(file);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        string[] names = [.. SafeTensors.Load(Path.Combine(output, "model.safetensors")).Tensors.Keys.Order(StringComparer.Ordinal)];
        Assert.Equal(["0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"], names);   // hidden 16,16 by default, activations between
        string[] rows = File.ReadAllLines(Path.Combine(output, "metrics.csv"));
        for (int epoch = 1; epoch <= 2; epoch++)
        {
            Dictionary<string, ValueView> logged = events.Where(e => e.Step == epoch && e.FileVersion is null).Select(e => Assert.Single(e.Values)).ToDictionary(v => v.Tag);
            string[] tags =
            [
                "loss/train", "accuracy/train", "loss/test", "accuracy/test", "learning_rate",
                .. names.Select(n => $"weights/{n}"), .. names.Select(n => $"gradients/{n}"),
            ];
            Assert.Equal(tags.Order(StringComparer.Ordinal), logged.Keys.Order(StringComparer.Ordinal));
            double[] row = [.. rows[epoch].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
            Assert.Equal(epoch, row[0]);
            Assert.Equal((float)row[1], logged["loss/train"].Scalar);
            Assert.Equal((float)row[2], logged["accuracy/train"].Scalar);
            Assert.Equal((float)row[3], logged["loss/test"].Scalar);
            Assert.Equal((float)row[4], logged["accuracy/test"].Scalar);
            Assert.Equal(0.01f, logged["learning_rate"].Scalar);
            Assert.Equal(16 * 2, logged["weights/0.weight"].Histogram!.Num);
        }
        // The last epoch's weights are the saved ones.
        double[] saved = SafeTensors.Load(Path.Combine(output, "model.safetensors")).Tensors["4.weight"].ToDoubleArray();
        HistogramView last = events.Last(e => e.Values.Count == 1 && e.Values[0].Tag == "weights/4.weight").Values[0].Histogram!;
        Assert.Equal((saved.Min(), saved.Max(), saved.Sum()), (last.Min, last.Max, last.Sum));
    }

    [Fact]
    public void AFileForTheFolderIsOneLineAndExitOneBeforeAnythingRuns()
    {
        string file = Path.Combine(_dir, "not-a-folder");
        File.WriteAllText(file, "x");
        string output = Path.Combine(_dir, "never");
        (int code, string stdout, string err) = Support.Cli.Run("train", "--data", "moons", "--epochs", "1", "--tensorboard", file, "--out", output);
        Assert.Equal(1, code);
        string line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"backprop: cannot write to --tensorboard folder '{file}': ", line);
        Assert.DoesNotContain("epoch", stdout);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void TheScalarEngineRefusesIt()
    {
        (int code, _, string err) = Support.Cli.Run("train", "--data", "moons", "--engine", "scalar", "--tensorboard", Path.Combine(_dir, "runs"));
        Assert.Equal(2, code);
        Assert.Contains("--tensorboard works with the tensor engine only", err);
        Assert.False(Directory.Exists(Path.Combine(_dir, "runs")));
    }

    [Fact]
    public void OnlyRankZeroWritesAnEventFile()
    {
        string logs = Path.Combine(_dir, "ranks");
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StringWriter()), Interactive = InteractionSupport.No });
        var options = new TrainOptions("moons", "tensor", [8], ActivationKind.Relu, "adam", null, 2, 16, 1, Path.Combine(_dir, "ranks-out"), null, 0,
            Distributed: true, TensorBoard: logs);
        Assert.Equal([0, 0], InProcessCommunicator.Run(2, c => TrainCommand.Run(console, options, c)));
        List<EventView> events = EventFileReader.Read(Assert.Single(Directory.GetFiles(logs)));
        Assert.Equal([1L, 2L], events.Where(e => e.Values.Count == 1 && e.Values[0].Tag == "loss/train").Select(e => e.Step));
    }
}
