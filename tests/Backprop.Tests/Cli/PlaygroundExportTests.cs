using System.Globalization;
using System.Text.Json;
using Backprop.Playground.Runs;
using Backprop.Tests.Docs;

namespace Backprop.Tests.Cli;

/// <summary>What the playground hands out works outside it: its model file in <c>backprop eval</c>, its "copy as C#" program compiled and run.</summary>
public sealed class PlaygroundExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-playground-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RunSettings Settings(string json) => new RunSettings().Apply(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void ADownloadedModelWithPlaneFeaturesEvaluatesInBackpropEval()
    {
        using var run = new PlaygroundRun("r1", Settings("""{"dataset": "moons", "features": ["x1", "x2", "x1sq", "sinx2"], "hidden": [6], "learningRate": 0.1}"""));
        run.Step(30);
        string path = Path.Combine(_dir, "model.safetensors");
        File.WriteAllBytes(path, run.ModelBytes());
        (int code, string output, string error) = Support.Cli.Run("eval", "--model", path, "--data", "moons");
        Assert.True(code == 0, error);
        Assert.Contains("sizes 4-6-1", output);
        Assert.Contains("trained on playground:moons", output);
        Assert.Matches(@"train\s*│\s*50\s*│", output); // the playground's 50 % split of the CLI's 100 moons
    }

    [Fact]
    public void ACopiedProgramCompilesTrainsAndEndsWithTheRunsLoss()
    {
        using var run = new PlaygroundRun("r2", Settings("""{"dataset": "xor", "features": ["x1", "x2", "x1x2"], "hidden": [4], "points": 200, "optimizer": "momentum", "regularization": "l1", "regularizationRate": 0.001, "clipNorm": 5}"""));
        Snapshot trained = run.Step(12);
        string printed = DocExampleRunner.Run(new DocExample("playground code.cs", 1, run.Code(), "", ""), _dir);
        string last = printed.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("Completed after 120 steps: train loss ", last);
        double loss = double.Parse(last["Completed after 120 steps: train loss ".Length..], CultureInfo.InvariantCulture);
        Assert.Equal(trained.TrainLoss!.Value, loss);
        Assert.Contains("epoch 10: train loss", printed);
    }
}
