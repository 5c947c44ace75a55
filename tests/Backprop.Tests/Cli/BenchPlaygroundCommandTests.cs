using System.Text.Json;
using Backprop.Cli.Bench;
using Backprop.Memory;

namespace Backprop.Tests.Cli;

/// <summary><c>backprop bench playground</c>: TF Playground's workload on the library's trainer, as compare-playground.sh reads it.</summary>
public class BenchPlaygroundCommandTests
{
    [Fact]
    public void TheLossIsTheSquaredErrorAgainstMinusOneAndOne()
    {
        float[] outputs = [0.5f, -0.25f, 0.9f, -1f];
        long[] labels = [1, 0, 0, 1];
        Tensor targets = PlaygroundBenchmark.TargetTable();
        Tensor loss = PlaygroundBenchmark.SquaredError(Tensor.FromArray(outputs, 4, 1), Tensor.FromArray(labels), targets);
        double expected = outputs.Select((o, i) => Math.Pow(o - (2.0 * labels[i] - 1), 2)).Average();
        Assert.Equal(expected, loss.Item(), 6);
        // The table of targets outlives the scopes of the steps that read it.
        for (int step = 0; step < 2; step++)
        {
            using TensorScope scope = Tensor.Scope();
            Assert.Equal(expected, PlaygroundBenchmark.SquaredError(Tensor.FromArray(outputs, 4, 1), Tensor.FromArray(labels), targets).Item(), 6);
        }
    }

    [Fact]
    public void ThreeRunsReportEveryFigureAsJsonAndTheLossFalls()
    {
        (int code, string output, string error) = Support.Cli.Run("bench", "playground", "--runs", "3", "--json");
        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement f = json.RootElement;
        double epoch = f.GetProperty("EpochMicroseconds").GetDouble();
        Assert.True(epoch > 0);
        Assert.Equal(epoch / 25, f.GetProperty("StepMicroseconds").GetDouble(), 6);
        Assert.Equal(250 / (epoch / 1e6), f.GetProperty("SamplesPerSecond").GetDouble(), 3);
        Assert.True(f.GetProperty("GridMilliseconds").GetDouble() > 0);
        // Untrained, the tanh output near 0 scores about 1 against ±1; after the runs it is far lower.
        Assert.InRange(f.GetProperty("FinalTrainLoss").GetDouble(), 0, 0.5);
    }
}
