using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.Cli.Training;
using Backprop.IO;
using Backprop.NN;
using Backprop.Tests.Data;

namespace Backprop.Tests.Cli;

/// <summary><c>backprop train --model cnn</c> on the shipped digits: the file, eval rebuilding the CNN, gradient flow on conv layers.</summary>
public sealed class TrainCnnCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-cnn-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [MnistFact]
    public void TrainsSavesAndEvaluatesACnnWithAugmentation()
    {
        string folder = Path.Combine(_dir, "cnn");
        (int code, string output, string error) = Support.Cli.Run("train", "--data", "mnist", "--model", "cnn", "--channels", "2,4",
            "--epochs", "1", "--batch-size", "500", "--gradflow", "4", "--augment", "--out", folder);
        Assert.True(code == 0, error + output);
        string model = Path.Combine(folder, "model.safetensors");
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Load(model);
        Assert.Equal("backprop-cnn", metadata["format"]);
        Assert.Equal("2,4", metadata["channels"]);
        Assert.Equal("shift2", metadata["augment"]);
        Assert.Equal([2, 1, 3, 3], tensors["1.weight"].Shape); // PyTorch's conv layout
        Assert.Equal([10, 4 * 7 * 7], tensors["10.weight"].Shape);
        Assert.True(File.Exists(Path.Combine(folder, "gradflow.csv")));
        Assert.Contains("1,", File.ReadAllText(Path.Combine(folder, "gradflow.csv"))); // the first convolution's rows

        Assert.IsType<Cnn>(ModelFile.Load(model).Model);
        string[] last = File.ReadAllLines(Path.Combine(folder, "metrics.csv"))[^1].Split(',');
        (int evalCode, string evalOutput, string evalError) = Support.Cli.Run("eval", "--model", model, "--data", "mnist");
        Assert.True(evalCode == 0, evalError);
        Assert.Contains("cnn, 28x28 images, channels 2-4, 10 classes", evalOutput);
        string percent = (double.Parse(last[4], CultureInfo.InvariantCulture) * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
        Assert.Matches($@"test\s*│\s*2000\s*│[^│]*│\s*{Regex.Escape(percent)}", evalOutput);
    }

    [MnistFact]
    public void TheCnnShiftsImagesByDefaultAndAugmentFalseTurnsItOff()
    {
        // Its defaults are what reach 98.5 % (docs/cnn.md): shifted images and a cosine schedule.
        foreach ((string[] flags, bool augmented) in new[] { (Array.Empty<string>(), true), (new[] { "--augment", "false" }, false) })
        {
            string folder = Path.Combine(_dir, augmented ? "default" : "plain");
            (int code, string output, string error) = Support.Cli.Run(["train", "--data", "mnist", "--model", "cnn", "--channels", "2", "--epochs", "1",
                "--batch-size", "1000", .. flags, "--out", folder]);
            Assert.True(code == 0, error + output);
            (_, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Load(Path.Combine(folder, "model.safetensors"));
            Assert.Equal(augmented, metadata.ContainsKey("augment"));
        }
    }

    [MnistFact]
    public void TheCnnReportsRunningTrainingFiguresButScoresTheSavedWeights()
    {
        // By default a CNN's epochs report the training split as its steps saw it (no second
        // pass); the summary table and `eval` still score the saved weights on the whole split.
        // --train-metrics evaluate scores the split after each epoch, so metrics.csv agrees with eval.
        foreach (string mode in new[] { "default", "evaluate" })
        {
            string folder = Path.Combine(_dir, mode);
            string[] flags = mode == "default" ? [] : ["--train-metrics", mode];
            (int code, string output, string error) = Support.Cli.Run(["train", "--data", "mnist", "--model", "cnn", "--channels", "2", "--epochs", "1",
                "--batch-size", "500", "--augment", "false", .. flags, "--out", folder]);
            Assert.True(code == 0, error + output);
            string model = Path.Combine(folder, "model.safetensors");
            (int evalCode, string evalOutput, string evalError) = Support.Cli.Run("eval", "--model", model, "--data", "mnist");
            Assert.True(evalCode == 0, evalError);
            string evaluated = Regex.Match(evalOutput, @"train\s*│\s*8000\s*│[^│]*│\s*([0-9.]+%)").Groups[1].Value;
            Assert.Matches($@"train\s*│[^│]*│\s*{Regex.Escape(evaluated)}", output); // the summary table: the saved weights
            string[] epoch = File.ReadAllLines(Path.Combine(folder, "metrics.csv"))[^1].Split(',');
            string reported = (double.Parse(epoch[2], CultureInfo.InvariantCulture) * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
            if (mode == "evaluate") Assert.Equal(evaluated, reported);
            else Assert.NotEqual(evaluated, reported); // after one epoch from random weights the running mean lags far behind
        }
    }

    [Fact]
    public void AFileWhoseTensorsDoNotFitItsMetadataIsRefused()
    {
        var cnn = new Cnn(8, [2], 3, new Backprop.Random.NumpyRandom(1));
        string path = Path.Combine(_dir, "bad.safetensors");
        Dictionary<string, Tensor> state = cnn.StateDict();
        SafeTensors.Save(path, state, new Dictionary<string, string> { ["format"] = "backprop-cnn", ["image_size"] = "8", ["channels"] = "3", ["classes"] = "3" });
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
        Assert.Contains("'1.weight' is [2,1,3,3] but the CNN needs [3,1,3,3]", e.Message);
        SafeTensors.Save(path, state, new Dictionary<string, string> { ["format"] = "backprop-cnn", ["image_size"] = "8", ["channels"] = "2", ["classes"] = "3" });
        Assert.IsType<Cnn>(ModelFile.Load(path).Model);
    }
}
