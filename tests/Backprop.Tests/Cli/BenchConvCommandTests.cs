using System.Diagnostics;
using System.Reflection.Emit;
using System.Text.Json;
using Backprop.Cli.Bench;
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

    [Fact]
    public void TheWarmUpWaitsWhileTheJitCompilesAndStopsWhenItIsQuiet()
    {
        // Each run compiles a new method: the JIT is never quiet, so the warm-up runs until its limit.
        int compiling = 0;
        var clock = Stopwatch.StartNew();
        int runs = ConvBenchmark.WarmUpUntilCompiled(() => NewMethod(compiling++)(), quietRuns: 3, TimeSpan.FromMilliseconds(300));
        Assert.True(clock.ElapsedMilliseconds >= 300, $"stopped after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(compiling, runs);
        Assert.True(runs > 3, $"{runs} runs");

        // Nothing new to compile: it stops after the quiet runs (a few more if other tests' code is compiled meanwhile).
        int plain = 0;
        clock.Restart();
        runs = ConvBenchmark.WarmUpUntilCompiled(() => plain++, quietRuns: 3, TimeSpan.FromSeconds(30));
        Assert.Equal(plain, runs);
        Assert.True(runs >= 3 && clock.Elapsed < TimeSpan.FromSeconds(30), $"{runs} runs in {clock.Elapsed}");
    }

    private static Func<int> NewMethod(int value)
    {
        var method = new DynamicMethod($"Constant{value}", typeof(int), Type.EmptyTypes);
        ILGenerator il = method.GetILGenerator();
        il.Emit(OpCodes.Ldc_I4, value);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<Func<int>>();
    }
}
