using Backprop.Cli.Commands;
using Backprop.Cli.Training;
using Backprop.Data;
using Backprop.IO;

namespace Backprop.Tests.Cli;

/// <summary>
/// <c>backprop train</c> never loses a model or leaves a wrong one: a fresh folder per run,
/// <c>--force</c> to replace, no stale outputs, and a stop with finite weights when the loss
/// becomes NaN.
/// </summary>
public sealed class TrainSafetyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-safety-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertOneLine(string error) => Assert.Single(error.TrimEnd().Split('\n'));

    [Fact]
    public void EachRunGetsAFreshFolder()
    {
        var now = new DateTime(2026, 11, 30, 7, 0, 0);
        string root = Path.Combine(_dir, "out");
        string first = RunFolder.Prepare(null, "mnist", force: false, now, root);
        File.WriteAllText(Path.Combine(first, "model.safetensors"), "x");
        string second = RunFolder.Prepare(null, "mnist", force: false, now, root);
        Assert.Equal(Path.Combine(root, "mnist-20261130-070000"), first);
        Assert.Equal(first + "-2", second);
        Assert.True(File.Exists(Path.Combine(first, "model.safetensors")));
    }

    [Fact]
    public void AnExistingModelIsReplacedOnlyWithForceAndNoStaleFileSurvives()
    {
        string folder = Path.Combine(_dir, "run");
        Assert.Equal(0, Support.Cli.Run("train", "--data", "moons", "--epochs", "1", "--gradflow", "1", "--out", folder).Code);
        byte[] first = File.ReadAllBytes(Path.Combine(folder, "model.safetensors"));
        File.SetAttributes(Path.Combine(folder, "model.safetensors"), FileAttributes.ReadOnly);

        (int code, _, string error) = Support.Cli.Run("train", "--data", "moons", "--epochs", "1", "--seed", "2", "--out", folder);
        Assert.Equal(CommandLine.Usage, code);
        AssertOneLine(error);
        Assert.Contains("--force", error);
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));

        (code, _, error) = Support.Cli.Run("train", "--data", "moons", "--epochs", "1", "--seed", "2", "--out", folder, "--force");
        Assert.True(code == 0, error);
        Assert.NotEqual(first, File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
        Assert.False(File.Exists(Path.Combine(folder, "gradflow.csv")), "the earlier run's gradient-flow report must not sit beside the new model");
    }

    [Fact]
    public void ADivergedRunStopsNamingEpochAndStepKeepsFiniteWeightsAndFails()
    {
        string folder = Path.Combine(_dir, "nan");
        (int code, string output, string error) = Support.Cli.Run("train", "--data", "moons", "--optimizer", "sgd", "--lr", "1e30", "--epochs", "3", "--out", folder);
        Assert.Equal(CommandLine.Failed, code);
        AssertOneLine(error);
        Assert.Contains("the loss became NaN at epoch 1, step 2", error);
        Assert.DoesNotContain("epoch 2/3", output);
        (IReadOnlyDictionary<string, Tensor> tensors, _) = SafeTensors.Load(Path.Combine(folder, "model.safetensors"));
        Assert.All(tensors.Values, t => Assert.All(t.ToFloatArray(), v => Assert.True(float.IsFinite(v))));
        (int evalCode, string evalOutput, string evalError) = Support.Cli.Run("eval", "--model", Path.Combine(folder, "model.safetensors"), "--data", "moons");
        Assert.True(evalCode == 0, evalError);
        Assert.DoesNotContain("NaN", evalOutput);
    }

    [Fact]
    public void TheModelHasAnOutputForEveryClassOfEitherSplit()
    {
        Dataset Make(params long[] labels) => new(Tensor.Zeros(labels.Length, 2), Tensor.FromArray(labels));
        var data = new DataSource("x", Make(0, 1, 0), Make(0, 2));
        Assert.Equal(3, TrainSetup.Classes(data));
    }
}
