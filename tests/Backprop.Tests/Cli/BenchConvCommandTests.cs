using System.Text.Json;
using Backprop.Tests.Data;
using Backprop.Tests.Support;

namespace Backprop.Tests.Cli;

/// <summary><c>backprop bench conv</c> and <c>bench mnist --model cnn</c>: issue 10's figures, as compare-conv.sh pairs them with PyTorch's.</summary>
public class BenchConvCommandTests
{
    [Fact]
    public void ConvWorkloadsAreTimedUnderTheNamesThePyTorchPeerUses()
    {
        (int code, string output, string error) = Support.Cli.Run("bench", "conv", "--json");
        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement[] figures = [.. json.RootElement.EnumerateArray()];
        Assert.Equal(3, figures.Length);
        string peer = File.ReadAllText(Path.Combine(Reference.RepositoryRoot, "bench", "peers", "torch_conv.py"));
        foreach (JsonElement f in figures)
        {
            string name = f.GetProperty("Workload").GetString()!;
            Assert.Contains($"(\"{name}\"", peer); // compare-conv.sh pairs the two sides by name
            Assert.Equal("ms", f.GetProperty("Unit").GetString());
            Assert.InRange(f.GetProperty("Value").GetDouble(), 0.01, 60_000);
        }
    }

    [MnistFact]
    public void OneEpochOfTheCnnReportsItsStepsAndAccuracy()
    {
        (int code, string output, string error) = Support.Cli.Run("bench", "mnist", "--data", MnistData.Folder, "--epochs", "1", "--model", "cnn", "--json");
        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement f = json.RootElement;
        Assert.Equal(63, f.GetProperty("Steps").GetInt32());
        Assert.InRange(f.GetProperty("TestAccuracy").GetDouble(), 0.85, 1.0); // one epoch of the default CNN (16-32) reaches 88 % (chance: 10 %)
    }
}
