using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.Tests.Cli;

/// <summary>
/// Every combination of the <c>train</c> flags that shape the model or its training, at a tiny
/// size: <c>eval</c> rebuilds the model from the file alone and scores it as training did.
/// </summary>
public sealed partial class TrainEvalRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-roundtrip-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string, string, string, string> TensorCombinations()
    {
        var data = new TheoryData<string, string, string, string, string>();
        string[] activations = ["relu", "tanh", "sigmoid", "gelu", "leakyrelu"];
        string[] optimizers = ["sgd", "adam", "adamw", "rmsprop"];
        int i = 0;
        foreach (string activation in activations)
            foreach (string optimizer in optimizers)
                foreach (string dropout in new[] { "0", "0.2" })
                    foreach (string schedule in new[] { "none", "cosine" })
                        data.Add(activation, optimizer, dropout, schedule, i++ % 2 == 0 ? "3" : "3,2");
        return data;
    }

    [Theory]
    [MemberData(nameof(TensorCombinations))]
    public void TheTensorEngineRoundTrips(string activation, string optimizer, string dropout, string schedule, string hidden)
    {
        string folder = Path.Combine(_dir, $"{activation}-{optimizer}-{dropout}-{schedule}-{hidden.Replace(',', '_')}");
        RoundTrip(folder, "--data", "blobs", "--epochs", "1", "--batch-size", "100", "--hidden", hidden, "--activation", activation,
            "--optimizer", optimizer, "--dropout", dropout, "--schedule", schedule, "--test-fraction", "0.2", "--seed", "4");
    }

    [Theory]
    [InlineData("--batch-size", "0")]
    [InlineData("--batch-size", "7")]
    [InlineData("--gradflow", "1")]
    [InlineData("--lr", "0.5")]
    [InlineData("--dropout", "0.5")]
    public void OtherTensorFlagsRoundTrip(string flag, string value) =>
        RoundTrip(Path.Combine(_dir, $"t{flag}{value}"), "--data", "circles", "--epochs", "1", "--hidden", "4", "--seed", "9", "--test-fraction", "0.3", flag, value);

    [Theory]
    [InlineData("--batch-size", "0")]
    [InlineData("--batch-size", "30")]
    [InlineData("--test-fraction", "0.25")]
    [InlineData("--optimizer", "sgd")]
    [InlineData("--schedule", "none")]
    [InlineData("--dropout", "0")]
    public void TheScalarEngineRoundTrips(string flag, string value) =>
        RoundTrip(Path.Combine(_dir, $"s{flag}{value}"), "--data", "moons", "--engine", "scalar", "--epochs", "2", "--hidden", "4", "--seed", "5", flag, value);

    /// <summary>Trains, then evaluates with only --model and --data: the accuracies printed must equal the last epoch's.</summary>
    private static void RoundTrip(string folder, params string[] trainArgs)
    {
        (int code, _, string error) = Support.Cli.Run(["train", .. trainArgs, "--out", folder]);
        Assert.True(code == 0, error);
        string[] last = File.ReadAllLines(Path.Combine(folder, "metrics.csv"))[^1].Split(',');
        string data = trainArgs[Array.IndexOf(trainArgs, "--data") + 1];
        (int evalCode, string output, string evalError) = Support.Cli.Run("eval", "--model", Path.Combine(folder, "model.safetensors"), "--data", data);
        Assert.True(evalCode == 0, evalError);
        string Percent(string fraction) => (double.Parse(fraction, CultureInfo.InvariantCulture) * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
        Assert.Matches($@"train\s*│\s*\d+\s*│[^│]*│\s*{Regex.Escape(Percent(last[2]))}", output);
        if (last[4].Length > 0) Assert.Matches($@"test\s*│\s*\d+\s*│[^│]*│\s*{Regex.Escape(Percent(last[4]))}", output);
        else Assert.DoesNotMatch(@"test\s*│", output);
    }
}
