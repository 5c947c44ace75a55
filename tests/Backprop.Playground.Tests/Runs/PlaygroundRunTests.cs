using System.Text.Json;
using Backprop.Playground.Runs;

namespace Backprop.Playground.Tests.Runs;

public sealed class PlaygroundRunTests
{
    private static RunSettings Settings(string json) => new RunSettings().Apply(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void EveryDataSetIsInTfsSquareAndDeterministic()
    {
        foreach (string dataset in RunSettings.ClassificationSets.Concat(RunSettings.RegressionSets))
        {
            RunSettings settings = Settings($$"""{"dataset": "{{dataset}}", "noise": 25, "points": 300}""");
            DataPoint[] a = DataSets.Generate(settings, 5), b = DataSets.Generate(settings, 5), c = DataSets.Generate(settings, 6);
            Assert.Equal(a, b);
            Assert.NotEqual(a, c);
            Assert.Equal(300, a.Length);
            Assert.True(a.Count(p => Math.Max(Math.Abs(p.X1), Math.Abs(p.X2)) <= 6.5) >= 285, dataset); // TF's square, but for the odd noisy gauss point
            if (settings.IsRegression) Assert.All(a, p => Assert.InRange(p.Label, -1.5, 1.5));
            else Assert.Equal([0.0, 1.0], a.Select(p => p.Label).Distinct().Order());
        }
    }

    [Fact]
    public void SpiralAndGaussMakeAsManyClassesAsAsked()
    {
        RunSettings settings = Settings("""{"dataset": "spiral", "classes": 5, "loss": "crossentropy", "points": 500}""");
        DataPoint[] points = DataSets.Generate(settings, 1);
        Assert.Equal([100, 100, 100, 100, 100], points.GroupBy(p => p.Label).OrderBy(g => g.Key).Select(g => g.Count()));
        using var run = new PlaygroundRun("r", settings);
        Snapshot s = run.Step(1);
        Assert.Equal(5, s.Layers[^1].Outputs);
        Assert.NotNull(s.Heatmaps.OutputClass);
        Assert.InRange(s.TrainAccuracy!.Value, 0, 1);
    }
}
