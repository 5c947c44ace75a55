using System.Text.Json;
using Backprop.Tests.Data;
using Backprop.Tests.Support;

namespace Backprop.Tests.Cli;

/// <summary><c>backprop bench mnist</c>: the README's MNIST run, timed, as compare-tensor.sh reads it.</summary>
public class BenchMnistCommandTests
{
    [MnistFact]
    public void OneEpochReportsItsStepsAccuracyAndMemoryFiguresAsJson()
    {
        (int code, string output, string error) = Support.Cli.Run("bench", "mnist", "--data", MnistData.Folder, "--epochs", "1", "--json");
        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement f = json.RootElement;
        Assert.Equal(63, f.GetProperty("Steps").GetInt32()); // 8,000 training digits in batches of 128
        Assert.InRange(f.GetProperty("TestAccuracy").GetDouble(), 0.85, 1.0);
        Assert.True(f.GetProperty("TrainingSeconds").GetDouble() > 0);
        Assert.True(f.GetProperty("TotalSeconds").GetDouble() >= f.GetProperty("TrainingSeconds").GetDouble());
        Assert.Equal(Environment.ProcessorCount, f.GetProperty("Threads").GetInt32());
    }

    [Fact]
    public void AMissingOrWrongDataFolderIsOneUsageLine()
    {
        (int code, _, string error) = Support.Cli.Run("bench", "mnist", "--data", "/nonexistent-folder");
        Assert.Equal(2, code);
        Assert.Contains("'/nonexistent-folder' does not exist", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
